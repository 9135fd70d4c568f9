// An outside wallet answering our verifier with @openid4vc/openid4vp (OpenID4VP 1.0): it parses and
// resolves the request (§5, client id prefix redirect_uri: §5.9.3, DCQL §6, direct_post §8.2), then
// answers with an Authorization Error Response (§8.5, `decline`), a malformed vp_token (`malformed`),
// or a presentation made with @sd-jwt/sd-jwt-vc with key binding (`present`, SD-JWT VC §3.4, RFC 9901 §4.3).
// Input: {request_uri, action, credential, holder_private_jwk}. Output: {status, body, client_id}.
import { Openid4vpClient } from '@openid4vc/openid4vp'
import { setGlobalConfig } from '@openid4vc/utils'
import { digest, ES256 } from '@sd-jwt/crypto-nodejs'
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc'
import { random, run, sha256 } from './es256.mjs'

setGlobalConfig({ allowInsecureUrls: true }) // the verifier under test listens on http://127.0.0.1

const callbacks = { hash: (data) => sha256(data), generateRandom: (n) => random(n) }

run(async ({ request_uri, action, credential, holder_private_jwk }) => {
  const client = new Openid4vpClient({ callbacks })
  const parsed = client.parseOpenid4vpAuthorizationRequest({ authorizationRequest: request_uri })
  const resolved = await client.resolveOpenId4vpAuthorizationRequest({ authorizationRequestPayload: parsed.params })
  const request = resolved.authorizationRequestPayload
  let answer
  if (action === 'decline') {
    answer = { error: 'access_denied', error_description: 'The holder said no.', state: request.state }
  } else if (action === 'malformed') {
    answer = { vp_token: 'this is not a vp_token', state: request.state }
  } else {
    const queryId = resolved.dcql.query.credentials[0].id
    const claims = resolved.dcql.query.credentials[0].claims.map((c) => c.path[0])
    const sdjwt = new SDJwtVcInstance({
      hasher: digest,
      kbSigner: await ES256.getSigner(holder_private_jwk),
      kbSignAlg: 'ES256',
      saltGenerator: (n) => Buffer.from(random(n)).toString('base64url'),
    })
    const frame = Object.fromEntries(claims.map((name) => [name, true]))
    const presentation = await sdjwt.present(credential, frame, {
      kb: { payload: { aud: request.client_id, nonce: request.nonce, iat: Math.floor(Date.now() / 1000) } },
    })
    answer = { vp_token: { [queryId]: [presentation] }, state: request.state }
  }
  const submitted = await client.submitOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: request,
    authorizationResponsePayload: answer,
  })
  return {
    status: submitted.response.status,
    body: await submitted.response.json(),
    client_id: request.client_id,
    response_mode: request.response_mode,
  }
})
