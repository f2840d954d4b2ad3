// The journeys of issue 5, in a real browser: an administrator registers an application,
// matches the child, approves it and prints the envelope; a parent signs in through the
// development identity provider, redeems the code from the envelope and sees the child; and an
// application for a child of another school is refused with the reason visible. Every page is
// screenshotted and checked with axe-core (serious or critical findings fail the run).
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';

const require = createRequire(import.meta.url);
// Evaluated through the DevTools protocol rather than added as a <script>: the pages' own
// Content-Security-Policy (rightly) refuses an injected inline script.
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const BASE = process.env.BASE ?? 'http://127.0.0.1:18081';
const OUT = process.env.SCREENSHOTS ?? '.';

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let shots = 0;
const problems = [];

// A new page with the console watched: anything the Content-Security-Policy blocks on our own
// pages (a style, a script, a form target) is a failure, not a silent loss.
async function newPage() {
  const page = await (await browser.newContext({ locale: 'ru-RU' })).newPage();
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) {
      problems.push(`${page.url()}: ${message.text()}`);
    }
  });
  return page;
}

async function check(page, name) {
  shots += 1;
  await page.screenshot({ path: `${OUT}/${String(shots).padStart(2, '0')}-${name}.png`, fullPage: true });
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => await globalThis.axe.run(document, {
    resultTypes: ['violations'],
  }));
  for (const v of result.violations.filter((v) => ['serious', 'critical'].includes(v.impact))) {
    problems.push(`${name}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')}`);
  }
}

async function graphql(query, variables = {}, token) {
  const response = await fetch(`${BASE}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  assert.ok(!body.errors, JSON.stringify(body.errors));
  return body.data;
}

// A student without any parent yet, as the child the mother applies for.
const { login } = await graphql('mutation { login(input: {login: "admin", password: "demo-admin"}) { token } }');
const { viewer } = await graphql('{ viewer { roles { school { id } } } }', {}, login.token);
const schoolId = viewer.roles.find((r) => r.school).school.id;
const { school } = await graphql(
  'query($s: ID!) { school(id: $s) { classUnits { name students { lastName firstName middleName birthDate fullName guardianships { id } } } } }',
  { s: schoolId }, login.token);
let child;
for (const unit of school.classUnits) {
  const free = unit.students.find((s) => s.guardianships.length === 0);
  if (free && unit.name !== '3А') { child = { ...free, className: unit.name }; break; }
}
assert.ok(child, 'no student without parents in the demo school');

// The administrator.
const admin = await newPage();
await admin.goto(`${BASE}/admin/login`);
await check(admin, 'admin-login');
await admin.fill('#login', 'admin');
await admin.fill('#password', 'demo-admin');
await admin.click('form[action="/admin/login"] button[type=submit]');
await admin.waitForURL(`${BASE}/admin`);
await check(admin, 'admin-dashboard');
await admin.click('nav >> text=Заявления');
await check(admin, 'admin-queue');

async function register(applicant, stated) {
  await admin.click('a:has-text("Новое заявление")');
  await admin.fill('#applicant_last_name', applicant.last);
  await admin.fill('#applicant_first_name', applicant.first);
  await admin.fill('#applicant_phone', '+7 (900) 123-45-67');
  await admin.selectOption('#relation', 'mother');
  await admin.fill('#document_digits', '1234');
  await admin.fill('#child_last_name', stated.lastName);
  await admin.fill('#child_first_name', stated.firstName);
  await admin.fill('#child_middle_name', stated.middleName ?? '');
  await admin.fill('#child_birth_date', stated.birthDate);
  await admin.fill('#child_class', stated.className);
  await admin.check('input[name=doc_form]');
  await admin.check('input[name=doc_birth]');
  await admin.check('input[name=doc_identity]');
  return admin;
}

await register({ last: 'Тестова', first: 'Ирина' }, child);
await check(admin, 'admin-new-application');
await admin.click('button:has-text("Зарегистрировать")');
await admin.waitForURL(/\/admin\/applications\/\d+/);
await check(admin, 'admin-application-received');
await admin.click('button:has-text("Это он")');
await admin.waitForURL(/done=1/);
await admin.click('button:has-text("Одобрить и выдать код")');
await admin.waitForSelector('[data-access-code]');
await check(admin, 'admin-envelope');
const code = (await admin.textContent('[data-access-code]')).trim();
assert.match(code, /^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);

// The refusal journey: a child this school does not know.
await admin.goto(`${BASE}/admin/applications`);
await register({ last: 'Другова', first: 'Ольга' },
  { lastName: 'Несуществующая', firstName: 'Мария', middleName: 'Ивановна', birthDate: '2015-03-03', className: '4Б' });
await admin.click('button:has-text("Зарегистрировать")');
await admin.waitForURL(/\/admin\/applications\/\d+/);
assert.ok((await admin.textContent('ul.findings')).includes('в другой школе'), 'the other-school finding is not shown');
await admin.check('label:has-text("Ребёнок обучается в другой школе") input');
await admin.fill('#comment', 'Ребёнок числится в школе № 1 района.');
await admin.click('button:has-text("Отказать")');
await admin.waitForURL(/done=1/);
const refusal = await admin.textContent('ul.refusal');
assert.ok(refusal.includes('Ребёнок обучается в другой школе'), `reason not visible: ${refusal}`);
await check(admin, 'admin-application-refused');

// Every other page of the back-office.
for (const [path, name] of [['/admin/students?q=%D0%90', 'admin-students'], ['/admin/classes', 'admin-classes'],
  ['/admin/reasons', 'admin-reasons'], ['/admin/calendar', 'admin-calendar'], ['/admin/audit', 'admin-audit']]) {
  await admin.goto(`${BASE}${path}`);
  await check(admin, name);
}
await admin.goto(`${BASE}/admin/lang?lang=en`);
await check(admin, 'admin-dashboard-english');

// The parent.
const parent = await newPage();
await parent.goto(`${BASE}/`);
await check(parent, 'home-signed-out');
await parent.click('a:has-text("Войти через Госуслуги")');
await parent.waitForSelector('#login');
await check(parent, 'dev-idp-login');
await parent.fill('#login', 'parent2');
await parent.fill('#password', 'demo-parent');
await parent.click('button:has-text("Войти")');
await parent.waitForURL(`${BASE}/`);
await check(parent, 'home-parent-without-children');
await parent.click('a:has-text("Добавить ребёнка по коду доступа")');
await check(parent, 'link-child');
await parent.fill('#code', code.toLowerCase());
await parent.fill('#label', 'Дочка');
await parent.click('button:has-text("Добавить")');
// The code is checked first: the page says whose code it is before anything is linked.
await parent.waitForSelector('text=Код родителя');
await check(parent, 'link-child-confirm');
await parent.click('button:has-text("Добавить ребёнка")');
await parent.waitForURL(/linked=guardian/);
await check(parent, 'home-parent-with-child');
assert.ok((await parent.textContent('table')).includes(child.fullName), 'the child is not on the home page');
const students = await parent.evaluate(async () => {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ viewer { students { label student { fullName } } } }' }),
  });
  return (await response.json()).data.viewer.students;
});
assert.ok(students.some((s) => s.label === 'Дочка' && s.student.fullName === child.fullName),
  `viewer.students: ${JSON.stringify(students)}`);

await browser.close();
if (problems.length) {
  console.error(`Accessibility and Content-Security-Policy problems:\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`Browser journeys passed; ${shots} screenshots in ${OUT}`);
