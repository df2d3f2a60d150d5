// Type-checked against the installed package's index.d.ts by install-check.sh
// (tsc --noEmit --strict): every export, called as the README shows. Not run.
import init, {
  ImzaError,
  DocumentVerifier,
  algorithms,
  createChallenge,
  describe,
  init as namedInit,
  parseCertificate,
  signDocument,
  validatePath,
  validateWebEidToken,
  verifyDocument,
  verifyIdToken,
  verifySignature,
  verifyToken,
  version,
} from "imza";
import type {
  AuthenticatedPerson,
  CertificateReport,
  CertificateSummary,
  Challenge,
  FetchLike,
  Indication,
  Report,
  SignatureReport,
  SubIndication,
  VerifiedToken,
} from "imza";

declare const bytes: Uint8Array;
declare const file: Blob;

export async function all(): Promise<void> {
  await init();
  await namedInit(new URL("https://example.test/imza_wasm_bg.wasm"));
  const v: string = version();
  const d: string | undefined = describe(103);
  const algs: string[] = algorithms();
  verifySignature("ES256", bytes, bytes, bytes);

  // index.d.ts says the global fetch fits FetchLike; with TypeScript >= 5.7's lib.dom it does
  // not (FetchLike's `body?: Uint8Array` is Uint8Array<ArrayBufferLike>, not a BodyInit), so
  // a caller needs this cast. Once FetchLike's body is `BufferSource` (or
  // Uint8Array<ArrayBuffer>), write `const fetch: FetchLike = globalThis.fetch;` here.
  const fetch: FetchLike = (url, init) => globalThis.fetch(url, init as RequestInit);
  const report: Report = await verifyDocument(bytes, {
    trust: ["-----BEGIN CERTIFICATE-----\n...", bytes],
    intermediates: bytes,
    detached: file,
    at: new Date(),
    revocation: "online",
    fetch,
    crls: [bytes],
    ocspResponses: bytes,
    onProgress: (n: number) => void n,
  });
  const ind: Indication = report.indication;
  const sub: SubIndication | null = report.sub_indication;
  const first: SignatureReport | undefined = report.signatures[0];
  const when: string | undefined = first?.best_signature_time;

  const verifier = new DocumentVerifier(bytes, { trust: bytes, revocation: "skip" });
  const needs: boolean = verifier.needsContent;
  const format: string = verifier.format;
  verifier.update(bytes);
  await verifier.updateWhole(bytes);
  await verifier.updateFrom(file.stream(), (n) => void n);
  const streamed: Report = await verifier.finish();
  verifier.free();

  const certs: CertificateSummary[] = parseCertificate(bytes).certificates;
  const path: CertificateReport = await validatePath(bytes, { purpose: "auth", trust: bytes, at: "2027-01-01T00:00:00Z" });

  const token: VerifiedToken = verifyToken("a.b.c", { key: bytes, algorithms: ["ES256"], aud: ["portal"], iss: "https://idp", leeway: 30 });
  const claims: Record<string, unknown> = token.claims;
  const id: VerifiedToken = verifyIdToken("a.b.c", { jwks: { keys: [] }, algorithms: ["RS256"], iss: "https://idp", clientId: "c", nonce: "n" });

  const challenge: Challenge = createChallenge({ at: 1_798_761_600 });
  const person: AuthenticatedPerson = await validateWebEidToken({ algorithm: "ES384" }, {
    origin: "https://portal.example",
    challenge: challenge.nonce,
    trust: [bytes],
    revocation: "skip",
  });

  const signed: Uint8Array = signDocument(bytes, { key: "-----BEGIN PRIVATE KEY-----\n...", certificate: bytes, chain: [bytes], detached: true, signingTime: new Date(), level: "B" });

  try {
    await verifyDocument(bytes);
  } catch (e) {
    if (e instanceof ImzaError) {
      const code: number = e.code;
      const name: "ImzaError" = e.name;
      void [code, name];
    }
  }
  // The types refuse what the package refuses.
  // @ts-expect-error revocation is "offline", "online" or "skip"
  await verifyDocument(bytes, { revocation: "sometimes" });
  // @ts-expect-error verifyToken needs the allowed algorithms
  verifyToken("a.b.c", { key: bytes });
  // @ts-expect-error an ID token needs the client_id
  verifyIdToken("a.b.c", { algorithms: ["ES256"], iss: "https://idp" });

  void [v, d, algs, ind, sub, when, needs, format, streamed, certs, path, claims, id, person, signed];
}
