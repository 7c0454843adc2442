// Stands in for qs inside the Lambda bundle. openapi-backend's router calls qs.parse only for a query given as a
// string; src/api/contract.ts always gives it the event's query map (src/api/openapi-request.ts), so this is a safety net:
// flat `a=1&b=2` is parsed; qs's nested syntax (a[b]=1) is not needed by API Gateway proxy events, whose query maps
// are flat already.
exports.parse = (query) => Object.fromEntries(new URLSearchParams(query ?? ''));
