// A real OpenID provider on 127.0.0.1, for the sign-in browser test only.
//
//   node tests/oidc/provider.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI
//
// The `oidc-provider` package (package.json) with its development login and
// consent pages: any login is accepted if it is one of ACCOUNTS, whose claims
// (e-mail, name, roles) go into the ID token. Prints "ready" once listening.
import Provider from "oidc-provider";

const [port, clientId, clientSecret, redirectUri] = process.argv.slice(2);
if (!redirectUri) {
  console.error("usage: provider.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI");
  process.exit(2);
}

const ACCOUNTS = {
  lea: { email: "lea.lectrice@idelux.be", name: "Léa Lectrice", roles: ["viewer"] },
  marc: { email: "marc.editeur@idelux.be", name: "Marc Éditeur", roles: ["editor"] },
};

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "roles"] },
  // The dashboard reads the ID token's claims (Streamlit's st.user): put them there.
  conformIdTokenClaims: false,
  cookies: { keys: ["test-only-not-a-secret"] },
  features: { devInteractions: { enabled: true } },
  async findAccount(_ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email_verified: true, ...account };
      },
    };
  },
});
provider.proxy = false;
provider.listen(Number(port), "127.0.0.1", () => console.log("ready"));
