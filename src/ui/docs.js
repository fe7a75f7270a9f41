// Renders /openapi.json as a page: endpoints grouped by tag, their parameters, bodies and responses,
// and every schema. Plain browser JavaScript; text goes in through textContent only.

const $ = (id) => document.getElementById(id);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  e.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return e;
}

const refName = (ref) => ref.replace('#/components/schemas/', '');

/** A short type expression for a JSON Schema, with links to named schemas. */
function typeOf(s) {
  if (!s || typeof s !== 'object') return el('span', { class: 'type' }, 'any');
  if (s.$ref) {
    const name = refName(s.$ref);
    return el('a', { href: `#schema-${name}`, class: 'type' }, name);
  }
  if (s.const !== undefined) return el('span', { class: 'type' }, JSON.stringify(s.const));
  if (s.enum) return el('span', { class: 'type' }, s.enum.map((v) => JSON.stringify(v)).join(' | '));
  const alts = s.anyOf ?? s.oneOf;
  if (alts) {
    const span = el('span', { class: 'type' });
    alts.forEach((a, i) => {
      if (i) span.append(' | ');
      span.append(typeOf(a));
    });
    return span;
  }
  if (s.type === 'array') {
    const span = el('span', { class: 'type' }, 'array of ');
    span.append(typeOf(s.items));
    return span;
  }
  if (s.type === 'string' && s.format) return el('span', { class: 'type' }, `string (${s.format})`);
  if (Array.isArray(s.type)) return el('span', { class: 'type' }, s.type.join(' | '));
  if (s.type === 'object' && !s.properties && s.additionalProperties) {
    const span = el('span', { class: 'type' }, 'map of ');
    span.append(typeof s.additionalProperties === 'object' && Object.keys(s.additionalProperties).length ? typeOf(s.additionalProperties) : 'any');
    return span;
  }
  if (s.prefixItems) return el('span', { class: 'type' }, `[${s.prefixItems.map((p) => p.type ?? 'any').join(', ')}]`);
  return el('span', { class: 'type' }, s.type ?? 'any');
}

function constraints(s) {
  const out = [];
  if (s.minLength !== undefined) out.push(`min length ${s.minLength}`);
  if (s.maxLength !== undefined) out.push(`max length ${s.maxLength}`);
  if (s.minimum !== undefined) out.push(`≥ ${s.minimum}`);
  if (s.maximum !== undefined) out.push(`≤ ${s.maximum}`);
  if (s.pattern) out.push(`pattern ${s.pattern}`);
  if (s.default !== undefined) out.push(`default ${JSON.stringify(s.default)}`);
  return out.join(', ');
}

function propertiesTable(schema) {
  const props = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const names = Object.keys(props);
  if (!names.length) return null;
  const tbody = el('tbody');
  for (const name of names) {
    const p = props[name];
    const notes = [p.description, constraints(p)].filter(Boolean).join(' — ');
    tbody.append(
      el('tr', {}, el('td', {}, el('code', {}, name), required.has(name) ? el('span', { class: 'req' }, ' required') : null), el('td', {}, typeOf(p)), el('td', {}, notes)),
    );
  }
  return el('div', { class: 'table-wrap' }, el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'Field'), el('th', {}, 'Type'), el('th', {}, 'Notes'))), tbody));
}

function schemaBlock(name, schema) {
  const box = el('section', { class: 'schema', id: `schema-${name}`, 'aria-label': `Schema ${name}` }, el('h3', {}, name));
  if (schema.description) box.append(el('p', {}, schema.description));
  const table = propertiesTable(schema);
  if (table) box.append(table);
  else box.append(el('p', {}, 'Type: ', typeOf(schema), constraints(schema) ? ` (${constraints(schema)})` : ''));
  if (schema.additionalProperties && schema.properties) box.append(el('p', { class: 'help' }, 'Other fields are accepted and passed on.'));
  return box;
}

function contentList(content) {
  const ul = el('ul');
  for (const [type, media] of Object.entries(content ?? {})) {
    const li = el('li', {}, el('code', {}, type));
    if (media.schema) li.append(': ', typeOf(media.schema));
    ul.append(li);
  }
  return ul;
}

function operation(method, path, op) {
  const id = `op-${method}-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;
  const details = el(
    'details',
    { class: 'op', id },
    el(
      'summary',
      {},
      el('span', { class: `method m-${method}` }, method.toUpperCase()),
      el('span', { class: 'path' }, path),
      el('span', { class: 'op-summary' }, op.summary ?? ''),
      op['x-undocumented'] ? el('span', { class: 'undocumented' }, 'undocumented') : null,
    ),
  );
  const body = el('div');
  if (op.description) body.append(el('p', {}, op.description));
  if (op.security?.length) body.append(el('p', { class: 'help' }, 'Needs an API key: Authorization: Bearer <key>.'));
  if (op.parameters?.length) {
    const tbody = el('tbody');
    for (const p of op.parameters) {
      tbody.append(
        el(
          'tr',
          {},
          el('td', {}, el('code', {}, p.name), p.required ? el('span', { class: 'req' }, ' required') : null),
          el('td', {}, p.in),
          el('td', {}, typeOf(p.schema)),
          el('td', {}, [p.description, p.schema ? constraints(p.schema) : ''].filter(Boolean).join(' — ')),
        ),
      );
    }
    body.append(
      el('h4', {}, 'Parameters'),
      el('div', { class: 'table-wrap' }, el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'Name'), el('th', {}, 'In'), el('th', {}, 'Type'), el('th', {}, 'Notes'))), tbody)),
    );
  }
  if (op.requestBody) body.append(el('h4', {}, 'Request body'), contentList(op.requestBody.content));
  const responses = el('ul');
  for (const [status, r] of Object.entries(op.responses ?? {})) {
    const li = el('li', {}, el('strong', {}, status), ` ${r.description ?? ''}`);
    if (r.content) li.append(contentList(r.content));
    if (r.headers) li.append(el('p', { class: 'help' }, `Headers: ${Object.keys(r.headers).join(', ')}`));
    responses.append(li);
  }
  body.append(el('h4', {}, 'Responses'), responses);
  details.append(body);
  return { details, id };
}

async function main() {
  let spec;
  try {
    const res = await fetch('/openapi.json');
    spec = await res.json();
  } catch (e) {
    $('intro').textContent = `Could not load /openapi.json: ${e.message}`;
    return;
  }
  $('intro').textContent = `${spec.info?.title ?? 'API'} ${spec.info?.version ?? ''} — ${spec.info?.description ?? ''}`;
  const byTag = new Map();
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'Other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push([method, path, op]);
    }
  }
  const order = (spec.tags ?? []).map((t) => t.name);
  const rank = (tag) => (order.includes(tag) ? order.indexOf(tag) : order.length);
  const tags = [...byTag.keys()].sort((a, b) => rank(a) - rank(b));
  const toc = el('ul');
  const ops = $('operations');
  for (const tag of tags) {
    const list = byTag.get(tag);
    const tagId = `tag-${tag.replace(/[^A-Za-z0-9]+/g, '-')}`;
    ops.append(el('h2', { class: 'tag', id: tagId }, tag));
    for (const [method, path, op] of list) {
      const { details, id } = operation(method, path, op);
      ops.append(details);
      toc.append(el('li', {}, el('a', { href: `#${id}` }, `${method.toUpperCase()} ${path}`)));
    }
  }
  $('toc').append(toc);
  const schemas = spec.components?.schemas ?? {};
  for (const [name, schema] of Object.entries(schemas)) $('schemas').append(schemaBlock(name, schema));
  $('schemas-section').hidden = !Object.keys(schemas).length;
  // Links to an endpoint open it.
  const open = () => {
    const target = location.hash && document.getElementById(location.hash.slice(1));
    if (target instanceof HTMLDetailsElement) target.open = true;
  };
  window.addEventListener('hashchange', open);
  open();
  document.documentElement.dataset.ready = 'true';
}

main();
