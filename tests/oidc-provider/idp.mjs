// A certified OpenID Connect provider (node oidc-provider, panva) for Dnevnik's interoperability
// test: .ci/run starts it, then tests/tests/api/interop.rs signs in through it end to end.
// Start:  PORT=4444 REDIRECT_URIS=http://127.0.0.1:18765/auth/oidc/certified/callback node idp.mjs
import Provider from 'oidc-provider';
import { generateKeyPair, exportJWK } from 'jose';

const port = Number(process.env.PORT || 4444);
const issuer = process.env.ISSUER || `http://127.0.0.1:${port}`;

// Test users. accountId == login typed in the dev login form.
const USERS = {
  confirmed: { password: 'confirmed-pass', family_name: 'Иванова', given_name: 'Мария', middle_name: 'Петровна',
               trusted: true },
  unconfirmed: { password: 'unconfirmed-pass', family_name: 'Петров', given_name: 'Иван', middle_name: 'Сергеевич',
                 trusted: false },
};

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), kid: 'dev-rs256', alg: 'RS256', use: 'sig' };

const configuration = {
  clients: [{
    client_id: process.env.CLIENT_ID || 'dnevnik',
    client_secret: process.env.CLIENT_SECRET || 'dnevnik-interop-secret',
    redirect_uris: (process.env.REDIRECT_URIS || 'http://127.0.0.1:18765/auth/oidc/certified/callback').split(','),
    post_logout_redirect_uris: (process.env.POST_LOGOUT_URIS || 'http://127.0.0.1:18765/').split(','),
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [jwk] },
  responseTypes: ['code'],                            // no implicit/hybrid
  rotateRefreshToken: true,                            // old refresh token dies on use
  pkce: { required: () => true },                       // PKCE (S256) for every client
  features: { devInteractions: { enabled: false }, revocation: { enabled: true },
              introspection: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], phone: ['phone_number', 'phone_number_verified'],
            profile: ['family_name', 'given_name', 'middle_name', 'name', 'birthdate'],
            trusted: ['trusted'] },                        // custom scope ~ ESIA "confirmed account"
  scopes: ['openid', 'offline_access', 'profile', 'email', 'phone', 'trusted'],
  cookies: { keys: [process.env.COOKIE_KEY || 'dev-only-cookie-key-change-me'] },
  ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, RefreshToken: 86400, Session: 3600, Interaction: 600, Grant: 86400 },
  async findAccount(ctx, sub) {
    const u = USERS[sub];
    if (!u) return undefined;                                 // unknown login => login fails
    return { accountId: sub, async claims() {
      const { password, ...c } = u;
      return { sub, ...c, name: `${u.family_name} ${u.given_name} ${u.middle_name}` };
    } };
  },
  // Skip the consent screen for our own first-party client (tests stay one POST long).
  async loadExistingGrant(ctx) {
    const id = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (id) return ctx.oidc.provider.Grant.find(id);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid offline_access profile email phone trusted');
    grant.addOIDCClaims(['family_name', 'given_name', 'middle_name', 'name', 'birthdate', 'email', 'email_verified',
                         'phone_number', 'phone_number_verified', 'trusted']);
    await grant.save();
    return grant;
  },
};

const provider = new Provider(issuer, configuration);

// Minimal interaction endpoints (default URL /interaction/:uid): a login form that checks the
// test user's password, and automatic consent for the first-party client.
const page = (uid, err = '') => `<!doctype html><meta charset="utf-8"><title>Dev IdP login</title>
<form method="post" action="/interaction/${uid}/login">${err && `<p role="alert">${err}</p>`}
<input name="login" autocomplete="username"><input name="password" type="password"><button>Sign in</button></form>`;
const readForm = async (req) => { let b = ''; for await (const c of req) b += c; return new URLSearchParams(b); };
provider.use(async (ctx, next) => {
  const m = ctx.path.match(/^\/interaction\/([\w-]+)(\/login)?$/);
  if (!m) return next();
  ctx.set('cache-control', 'no-store');
  const { uid, prompt, params, session, grantId } = await provider.interactionDetails(ctx.req, ctx.res);
  let result;
  if (prompt.name === 'login') {
    if (ctx.method === 'GET') { ctx.type = 'html'; ctx.body = page(uid); return; }
    const f = await readForm(ctx.req);
    const u = USERS[f.get('login')];
    if (!u || u.password !== f.get('password')) { ctx.status = 401; ctx.type = 'html'; ctx.body = page(uid, 'Wrong login or password'); return; }
    result = { login: { accountId: f.get('login') } };
  } else if (prompt.name === 'consent') {
    const grant = (grantId && await provider.Grant.find(grantId))
      || new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const d = prompt.details;
    if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
    if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
    result = { consent: { grantId: await grant.save() } };
  } else { ctx.throw(501); }
  ctx.status = 303;
  ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: true }));
});
provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider listening on ${issuer}/.well-known/openid-configuration`));
