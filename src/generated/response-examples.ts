// Generated from openapi/openapi.yaml by src/build/generate-document.ts (`npm run generate`). Do not edit.
// Each operation's JSON response examples, by status and name ('example' for a single `example`).

export const responseExamples = {
  "getCustomer": {
    "200": {
      "found": {
        "id": "cust-4f9a2c",
        "customerInDB": true
      },
      "notFound": {
        "id": "cust-000000",
        "customerInDB": false
      },
      "unicode": {
        "id": "müller-αβγ-😀",
        "customerInDB": true
      }
    },
    "400": {
      "missing": {
        "message": "Invalid request: query.id is missing or empty",
        "errors": [
          {
            "location": "query.id",
            "message": "is missing or empty"
          }
        ]
      },
      "empty": {
        "message": "Invalid request: query.id is missing or empty",
        "errors": [
          {
            "location": "query.id",
            "message": "is missing or empty"
          }
        ]
      },
      "whitespace": {
        "message": "Invalid request: query.id must not contain whitespace, control characters or U+FFFD",
        "errors": [
          {
            "location": "query.id",
            "message": "must not contain whitespace, control characters or U+FFFD"
          }
        ]
      },
      "tooLong": {
        "message": "Invalid request: query.id must be at most 512 characters",
        "errors": [
          {
            "location": "query.id",
            "message": "must be at most 512 characters"
          }
        ]
      },
      "notUtf8": {
        "message": "Invalid request: query.id is not valid UTF-8",
        "errors": [
          {
            "location": "query.id",
            "message": "is not valid UTF-8"
          }
        ]
      }
    },
    "401": {
      "example": {
        "message": "Missing Authentication Token"
      }
    },
    "403": {
      "example": {
        "message": "Forbidden"
      }
    },
    "413": {
      "example": {
        "message": "Request body is larger than 16 KiB"
      }
    },
    "429": {
      "example": {
        "message": "Too Many Requests"
      }
    },
    "500": {
      "example": {
        "message": "Internal server error"
      }
    },
    "503": {
      "example": {
        "message": "The customer store is unavailable or did not answer in time; retry later (retrying a PUT is safe: its write may or may not have been made)"
      }
    }
  },
  "putCustomer": {
    "200": {
      "created": {
        "customer": {
          "id": "cust-4f9a2c"
        },
        "message": "success",
        "created": true
      },
      "existing": {
        "customer": {
          "id": "cust-4f9a2c"
        },
        "message": "success",
        "created": false
      },
      "unicode": {
        "customer": {
          "id": "müller-αβγ-😀"
        },
        "message": "success",
        "created": true
      }
    },
    "400": {
      "missingId": {
        "message": "Invalid request: body.id is required",
        "errors": [
          {
            "location": "body.id",
            "message": "is required"
          }
        ]
      },
      "noBody": {
        "message": "Invalid request: body is required",
        "errors": [
          {
            "location": "body",
            "message": "is required"
          }
        ]
      },
      "malformed": {
        "message": "Invalid request: body is not valid JSON",
        "errors": [
          {
            "location": "body",
            "message": "is not valid JSON"
          }
        ]
      },
      "notAnObject": {
        "message": "Invalid request: body must be an object",
        "errors": [
          {
            "location": "body",
            "message": "must be an object"
          }
        ]
      },
      "notAString": {
        "message": "Invalid request: body.id must be a string",
        "errors": [
          {
            "location": "body.id",
            "message": "must be a string"
          }
        ]
      },
      "whitespace": {
        "message": "Invalid request: body.id must not contain whitespace, control characters or U+FFFD",
        "errors": [
          {
            "location": "body.id",
            "message": "must not contain whitespace, control characters or U+FFFD"
          }
        ]
      },
      "tooLong": {
        "message": "Invalid request: body.id must be at most 512 characters",
        "errors": [
          {
            "location": "body.id",
            "message": "must be at most 512 characters"
          }
        ]
      },
      "notUtf8": {
        "message": "Invalid request: body is not valid UTF-8",
        "errors": [
          {
            "location": "body",
            "message": "is not valid UTF-8"
          }
        ]
      },
      "duplicateKey": {
        "message": "Invalid request: body must not repeat the key \"id\"",
        "errors": [
          {
            "location": "body",
            "message": "must not repeat the key \"id\""
          }
        ]
      },
      "byteOrderMark": {
        "message": "Invalid request: body must not start with a byte order mark",
        "errors": [
          {
            "location": "body",
            "message": "must not start with a byte order mark"
          }
        ]
      },
      "unpairedSurrogate": {
        "message": "Invalid request: body.id must not contain unpaired UTF-16 surrogates",
        "errors": [
          {
            "location": "body.id",
            "message": "must not contain unpaired UTF-16 surrogates"
          }
        ]
      }
    },
    "401": {
      "example": {
        "message": "Missing Authentication Token"
      }
    },
    "403": {
      "example": {
        "message": "Forbidden"
      }
    },
    "413": {
      "example": {
        "message": "Request body is larger than 16 KiB"
      }
    },
    "415": {
      "example": {
        "message": "Unsupported Content-Type text/plain: send the body as application/json"
      }
    },
    "429": {
      "example": {
        "message": "Too Many Requests"
      }
    },
    "500": {
      "example": {
        "message": "Internal server error"
      }
    },
    "503": {
      "example": {
        "message": "The customer store is unavailable or did not answer in time; retry later (retrying a PUT is safe: its write may or may not have been made)"
      }
    }
  }
} as const;
