// Stands in for openapi-backend/backend.js inside the Lambda bundle. openapi-backend/validation.js requires
// backend.js only for this enum, and backend.js pulls in the whole OpenAPIBackend class (document parsing and
// validation: json-schema-ref-parser, js-yaml, openapi-schema-validator) that the Lambda never uses.
// Kept identical to openapi-backend's SetMatchType (test/integration/lambda-bundle.test.ts compares them).
exports.SetMatchType = { Any: 'any', Superset: 'superset', Subset: 'subset', Exact: 'exact' };
