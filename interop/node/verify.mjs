#!/usr/bin/env node
// Verify a JWT with panva jose for the imza interop tests.
//
// Usage: node verify.mjs PUBLIC.pem ALG ISS AUD TOKEN|-
//
// PUBLIC.pem is a SubjectPublicKeyInfo PEM ("PUBLIC KEY"). TOKEN "-" reads the token from
// standard input. jwtVerify checks the signature with algorithms: [ALG] as the only
// allowed algorithm, requires exp, and checks exp (and nbf/iat when present), iss and aud.
// Exit 0 and {"header": ..., "claims": ...} on stdout when valid; exit 1 and the error on
// stderr when not; exit 2 on a usage error.
import { readFileSync } from 'node:fs';
import { importSPKI, jwtVerify } from 'jose';

const args = process.argv.slice(2);
if (args.length !== 5) {
  console.error('usage: node verify.mjs PUBLIC.pem ALG ISS AUD TOKEN|-');
  process.exit(2);
}
const [keyPath, alg, iss, aud, tokenArg] = args;
const token = (tokenArg === '-' ? readFileSync(0, 'utf8') : tokenArg).trim();
const pem = readFileSync(keyPath, 'utf8');
try {
  const key = await importSPKI(pem, alg);
  const { payload, protectedHeader } = await jwtVerify(token, key, {
    algorithms: [alg],
    issuer: iss,
    audience: aud,
    requiredClaims: ['exp', 'iss', 'aud'],
  });
  console.log(JSON.stringify({ header: protectedHeader, claims: payload }));
} catch (e) {
  console.error(`${typeof e.code === 'string' ? e.code : e.name}: ${e.message}`);
  process.exit(1);
}
