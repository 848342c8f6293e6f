// A real OpenID Connect provider for the single sign-on tests: panva's oidc-provider (npm,
// pinned in package.json), started by tests/oidc_provider.py on a free port of 127.0.0.1.
//
//   node tests/oidc_provider.mjs CONFIG.json
//
// CONFIG.json: {"port": 51234, "clients": [{client_id, client_secret, redirect_uris}],
//               "accounts": {"login name": {"email": "...", "email_verified": true}}}
//
// Its own development sign-in and consent forms stand in for the council's: the "login" typed
// there names an account in CONFIG.json (any password). PKCE is required of every client, as
// Roll Call must always send it. Claims go in the ID token, as Microsoft Entra ID puts them.
import { readFileSync } from 'node:fs';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${config.port}`;

const provider = new Provider(issuer, {
  clients: config.clients.map((client) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...client,
  })),
  // xms_edov: Entra ID's "e-mail domain owner verified" optional claim, for the Entra-like account.
  claims: { openid: ['sub'], email: ['email', 'email_verified', 'xms_edov'], profile: ['name'] },
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  cookies: { keys: ['roll-call-test-provider-cookie-key'] },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    const account = config.accounts[id];
    if (account === undefined) {
      return undefined;
    }
    return {
      accountId: id,
      async claims() {
        return { sub: id, name: account.name ?? id, ...account };
      },
    };
  },
});
provider.proxy = false;

const server = provider.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`listening on ${issuer}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
