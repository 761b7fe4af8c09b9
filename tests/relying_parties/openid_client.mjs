// A confidential app on openid-client (Node), signing a person in with Aurum: discovery,
// the code flow with PKCE, UserInfo and a refresh. The test drives the person's part.
//
//   node openid_client.mjs ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI
//
// Prints one JSON line with the authorization URL, reads one line (the URL the browser
// was sent back to), then prints one JSON line with what it learnt.
import * as readline from "node:readline";
import * as client from "openid-client";

const [issuer, clientId, clientSecret, redirectUri] = process.argv.slice(2);
const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();

// Aurum's test server speaks plain http on 127.0.0.1.
const config = await client.discovery(
  new URL(issuer),
  clientId,
  undefined,
  client.ClientSecretBasic(clientSecret),
  { execute: [client.allowInsecureRequests] },
);
const verifier = client.randomPKCECodeVerifier();
const state = client.randomState();
const nonce = client.randomNonce();
const url = client.buildAuthorizationUrl(config, {
  redirect_uri: redirectUri,
  scope: "openid profile email offline_access",
  code_challenge: await client.calculatePKCECodeChallenge(verifier),
  code_challenge_method: "S256",
  state,
  nonce,
});
console.log(JSON.stringify({ authorization_url: url.href }));

const callback = (await lines.next()).value;
// Checks state, iss (RFC 9207), the ID token (signature from the JWKS, iss, aud, exp,
// nonce) and sends the verifier.
const tokens = await client.authorizationCodeGrant(config, new URL(callback), {
  pkceCodeVerifier: verifier,
  expectedState: state,
  expectedNonce: nonce,
  idTokenExpected: true,
});
const claims = tokens.claims();
const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
console.log(
  JSON.stringify({
    claims,
    userinfo,
    scope: tokens.scope,
    access_token: tokens.access_token,
    refreshed_access_token: refreshed.access_token,
    refreshed_claims: refreshed.claims() ?? null,
    rotated: refreshed.refresh_token !== tokens.refresh_token,
  }),
);
process.exit(0);
