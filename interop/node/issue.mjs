#!/usr/bin/env node
// Issue a JWT with panva jose for the imza interop tests.
//
// Usage: node issue.mjs KEY.pem ALG ISS AUD
//
// KEY.pem is an unencrypted PKCS#8 private key. Prints a compact JWS whose claims are
// iss, aud, sub="imza-interop", iat=now and exp=now+300.
import { readFileSync } from 'node:fs';
import { importPKCS8, SignJWT } from 'jose';

const args = process.argv.slice(2);
if (args.length !== 4) {
  console.error('usage: node issue.mjs KEY.pem ALG ISS AUD');
  process.exit(2);
}
const [keyPath, alg, iss, aud] = args;
const key = await importPKCS8(readFileSync(keyPath, 'utf8'), alg);
const now = Math.floor(Date.now() / 1000);
const token = await new SignJWT({})
  .setProtectedHeader({ alg, typ: 'JWT' })
  .setIssuer(iss)
  .setAudience(aud)
  .setSubject('imza-interop')
  .setIssuedAt(now)
  .setExpirationTime(now + 300)
  .sign(key);
console.log(token);
