// An outside wallet answering a DCQL request of our verifier (OpenID4VP 1.0 §6, §8.1, §8.4) with
// @openid4vc/openid4vp (request parsing, direct_post), npm `dcql` (the query parsed, validated and
// run against the credential: which queries and claim sets it satisfies) and @sd-jwt/sd-jwt-vc
// (presentations with key binding, `transaction_data_hashes` in the KB-JWT, §B.3.3).
// Input: {request_uri, credential, holder_private_jwk, force}: with `force` it presents the query's
// claims even where `dcql` says the credential does not satisfy them (a values mismatch), to see
// our verifier refuse. Output: {status, body, answered, can_be_satisfied, transaction_data}.
import { Openid4vpClient } from '@openid4vc/openid4vp'
import { setGlobalConfig } from '@openid4vc/utils'
import { digest, ES256 } from '@sd-jwt/crypto-nodejs'
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc'
import { DcqlQuery, runDcqlQuery } from 'dcql'
import { b64url, random, run, sha256 } from './es256.mjs'

setGlobalConfig({ allowInsecureUrls: true }) // the verifier under test listens on http://127.0.0.1

// a presentation frame from claims path pointers: array steps disclose the whole array claim
function frameOf(paths) {
  const frame = {}
  for (const path of paths) {
    let node = frame
    const keys = path.filter((step) => typeof step === 'string')
    keys.forEach((key, i) => {
      if (i === keys.length - 1 || typeof path[path.indexOf(key) + 1] !== 'string') node[key] = true
      else node = node[key] = typeof node[key] === 'object' ? node[key] : {}
    })
  }
  return frame
}

run(async ({ request_uri, credential, holder_private_jwk, force }) => {
  const client = new Openid4vpClient({ callbacks: { hash: (d) => sha256(d), generateRandom: (n) => random(n) } })
  const parsed = client.parseOpenid4vpAuthorizationRequest({ authorizationRequest: request_uri })
  const resolved = await client.resolveOpenId4vpAuthorizationRequest({ authorizationRequestPayload: parsed.params })
  const request = resolved.authorizationRequestPayload
  const query = DcqlQuery.parse(resolved.dcql.query)
  DcqlQuery.validate(query)
  const sdjwt = new SDJwtVcInstance({
    hasher: digest,
    kbSigner: await ES256.getSigner(holder_private_jwk),
    kbSignAlg: 'ES256',
    saltGenerator: (n) => Buffer.from(random(n)).toString('base64url'),
  })
  const claims = await sdjwt.getClaims(credential)
  const held = { credential_format: 'dc+sd-jwt', vct: claims.vct, claims, cryptographic_holder_binding: true }
  const result = runDcqlQuery(query, { credentials: [held], presentation: false })
  // the queries to answer: every query, or the first matching option of each credential set
  let wanted = query.credentials.map((c) => c.id)
  if (query.credential_sets) {
    wanted = result.credential_sets.flatMap((set) => (set.matching_options ?? (force ? set.options : [[]]))[0])
  }
  const td = resolved.transactionData ?? []
  const vp_token = {}
  for (const id of wanted) {
    const cq = query.credentials.find((c) => c.id === id)
    const match = result.credential_matches[id]
    let claimsQueries = cq.claims ?? []
    if (match?.success && cq.claim_sets) {
      const index = match.valid_credentials[0].claims.valid_claim_sets[0].claim_set_index
      const ids = cq.claim_sets[index]
      claimsQueries = claimsQueries.filter((c) => ids.includes(c.id))
    } else if (!match?.success && !force) continue
    const bound = td.filter((entry) => entry.transactionData.credential_ids[0] === id)
    const kb = { aud: request.client_id, nonce: request.nonce, iat: Math.floor(Date.now() / 1000) }
    if (bound.length) kb.transaction_data_hashes = bound.map((entry) => b64url(sha256(entry.encoded)))
    const presentation = await sdjwt.present(credential, frameOf(claimsQueries.map((c) => c.path)), { kb: { payload: kb } })
    vp_token[id] = [presentation]
  }
  const answer = Object.keys(vp_token).length
    ? { vp_token, state: request.state }
    : { error: 'access_denied', state: request.state }
  const submitted = await client.submitOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: request,
    authorizationResponsePayload: answer,
  })
  return {
    status: submitted.response.status,
    body: await submitted.response.json(),
    answered: Object.keys(vp_token),
    can_be_satisfied: result.can_be_satisfied,
    transaction_data: td.map((entry) => entry.transactionData),
  }
})
