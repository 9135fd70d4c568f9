// An outside wallet: takes a credential offer from our issuer with @openid4vc/openid4vci
// (pre-authorized code with tx_code, OpenID4VCI 1.0 §6, §7, §8, §9), optionally with DPoP (RFC 9449).
// Input: {offer_uri, tx_code, dpop, holder_private}. Output: {credential, token_type, holder_jwk}.
import { clientAuthenticationAnonymous } from '@openid4vc/oauth2'
import { Openid4vciClient, setGlobalConfig } from '@openid4vc/openid4vci'
import { newKey, random, run, sha256, signJws } from './es256.mjs'

setGlobalConfig({ allowInsecureUrls: true }) // the issuer under test listens on http://127.0.0.1

const keys = new Map()
function signer() {
  const key = newKey()
  keys.set(key.publicJwk.x, key.privateKey)
  return { method: 'jwk', alg: 'ES256', publicJwk: key.publicJwk }
}

const callbacks = {
  hash: (data) => sha256(data),
  generateRandom: (n) => random(n),
  clientAuthentication: clientAuthenticationAnonymous(),
  signJwt: async (jwtSigner, { header, payload }) => ({
    jwt: signJws(keys.get(jwtSigner.publicJwk.x), header, payload),
    signerJwk: jwtSigner.publicJwk,
  }),
}

run(async ({ offer_uri, tx_code, dpop, holder_private: holderPrivate }) => {
  const client = new Openid4vciClient({ callbacks })
  const credentialOffer = await client.resolveCredentialOffer(offer_uri)
  const issuerMetadata = await client.resolveIssuerMetadata(credentialOffer.credential_issuer)
  const credentialConfigurationId = credentialOffer.credential_configuration_ids[0]
  const token = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
    credentialOffer,
    issuerMetadata,
    txCode: tx_code,
    dpop: dpop ? { signer: signer() } : undefined,
  })
  const { c_nonce } = await client.requestNonce({ issuerMetadata })
  const holder = signer()
  const proof = await client.createCredentialRequestJwtProof({
    issuerMetadata,
    credentialConfigurationId,
    nonce: c_nonce,
    signer: holder,
  })
  const accessToken = token.accessTokenResponse.access_token
  let dpopState = token.dpop
  let response = await client.retrieveCredentials({
    issuerMetadata,
    accessToken,
    credentialConfigurationId,
    proofs: { jwt: [proof.jwt] },
    dpop: dpopState,
  })
  // a response's DPoP-Nonce comes back as {nonce}: keep the signer (RFC 9449 §8.2)
  dpopState = dpopState && response.dpop ? { ...dpopState, ...response.dpop } : dpopState
  let body = response.credentialResponse
  for (let attempt = 0; !body.credentials && attempt < 100; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 200))
    const deferred = await client.retrieveDeferredCredentials({
      issuerMetadata,
      accessToken,
      transactionId: body.transaction_id,
      dpop: dpopState,
    })
    dpopState = dpopState && deferred.dpop ? { ...dpopState, ...deferred.dpop } : dpopState
    body = deferred.deferredCredentialResponse
  }
  return {
    credential: body.credentials[0].credential,
    token_type: token.accessTokenResponse.token_type,
    dpop_jwk: token.dpop?.signer.publicJwk,
    expires_in: token.accessTokenResponse.expires_in,
    holder_jwk: holder.publicJwk,
    // only for tests that present the credential afterwards with another implementation
    holder_private_jwk: holderPrivate ? keys.get(holder.publicJwk.x).export({ format: 'jwk' }) : undefined,
    display: issuerMetadata.credentialIssuer.credential_configurations_supported[credentialConfigurationId].credential_metadata,
  }
})
