// Stands in for ajv inside the Lambda bundle, where every request validator is precompiled
// (src/api/precompiled-validators.ts): openapi-backend constructs an Ajv before asking customizeAjv for one, and
// that is all it may do here. Compiling at run time would be a bug (a stale build), so it fails loudly.
class Ajv {
  addFormat() {
    return this;
  }
  compile() {
    throw new Error(
      'ajv compilation is not available in the Lambda bundle: validators are precompiled (npm run generate)',
    );
  }
}
module.exports = Ajv;
module.exports.default = Ajv;
module.exports.Ajv = Ajv;
