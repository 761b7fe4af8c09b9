// A single-page app that signs people in with Aurum through oidc-client-ts: the code
// flow with PKCE from the browser (a public client: no secret), the ID token's claims and
// UserInfo, and signing out (revoking its access token first).
"use strict";

const here = window.location.origin;
const manager = new oidc.UserManager({
  authority: window.AURUM.authority,
  client_id: window.AURUM.client_id,
  redirect_uri: `${here}/callback`,
  post_logout_redirect_uri: `${here}/bye`,
  response_type: "code",
  scope: "openid profile email",
  loadUserInfo: true,
  revokeTokensOnSignout: true,
  revokeTokenTypes: ["access_token"],
});

function show(id, text) {
  document.getElementById(id).textContent = text;
}

function showUser(user) {
  show("who", user.profile.preferred_username);
  show("email", user.profile.email);
  show("sub", user.profile.sub);
  // The ID token's own claims (the profile also holds UserInfo's).
  const payload = user.id_token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  show("claims", atob(payload));
}

async function main() {
  document.getElementById("sign-in").addEventListener("click", () => manager.signinRedirect());
  document.getElementById("sign-out").addEventListener("click", () => manager.signoutRedirect());
  const path = window.location.pathname;
  if (path === "/callback") {
    showUser(await manager.signinRedirectCallback());
  } else if (path === "/bye") {
    const answer = await manager.signoutRedirectCallback();
    show("bye", answer.error ? `error: ${answer.error}` : "signed out");
  } else {
    const user = await manager.getUser();
    if (user) {
      showUser(user);
    }
  }
  document.body.dataset.ready = "true";
}

main().catch((error) => {
  show("error", String(error));
  document.body.dataset.ready = "true";
});
