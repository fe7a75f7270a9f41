// The docinline playground: plain browser JavaScript, no build step and nothing loaded from elsewhere.
// PDF pages are drawn with pdf.js' browser build, which this server serves from its own installation
// under /ui/pdfjs/ (when the runtime provides it); images are shown as they are.

const $ = (id) => document.getElementById(id);
const KEY_STORAGE = 'docinline.apiKey';
const PDFJS = '/ui/pdfjs/';

const state = {
  settings: { auth: false, maxFileBytes: 0, pageImages: false },
  /** Kept in this page's memory, and in sessionStorage when the user allows it. */
  apiKey: null,
  /** { kind: 'file', file } or { kind: 'url', url } */
  source: null,
  result: null,
  /** Bumped by every parse so page images of an older one are dropped. */
  generation: 0,
  parseAbort: null,
  chatAbort: null,
  afterKey: null,
  modelsLoaded: false,
};

try {
  state.apiKey = sessionStorage.getItem(KEY_STORAGE);
} catch {
  // storage disabled: memory only
}

// ---------- small helpers ----------

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k in e && typeof v !== 'string') e[k] = v;
    else e.setAttribute(k, v);
  }
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

function setStatus(text, error = false) {
  const s = $('status');
  s.textContent = text;
  s.classList.toggle('error', error);
}

function authHeaders() {
  return state.apiKey ? { authorization: `Bearer ${state.apiKey}` } : {};
}

async function readError(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    // not JSON
  }
  const e = body?.error ?? {};
  return { message: e.message || `HTTP ${res.status}`, code: e.code || e.type || String(res.status), param: e.param ?? null };
}

const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const pct = (n) => `${Math.max(0, Math.min(100, n * 100)).toFixed(3)}%`;

// ---------- API key ----------

function askForKey(why, then) {
  $('key-why').textContent = why;
  $('key-input').value = '';
  $('key-forget').hidden = !state.apiKey;
  state.afterKey = then ?? null;
  const d = $('key-dialog');
  if (!d.open) d.showModal();
  $('key-input').focus();
}

function saveKey(event) {
  event.preventDefault();
  const key = $('key-input').value.trim();
  if (!key) return;
  state.apiKey = key;
  try {
    if ($('key-remember').checked) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
  } catch {
    // memory only
  }
  $('key-dialog').close();
  const then = state.afterKey;
  state.afterKey = null;
  state.modelsLoaded = false;
  if (then) then();
  else if (!$('ask').hidden) loadModels();
}

function forgetKey() {
  state.apiKey = null;
  try {
    sessionStorage.removeItem(KEY_STORAGE);
  } catch {
    // nothing stored
  }
  $('key-dialog').close();
  setStatus('The API key was forgotten.');
}

// ---------- choosing a document ----------

function readOptions() {
  const pages = $('pages').value.trim();
  if (pages && !$('pages').checkValidity()) throw new Error('Pages must look like "1-3,7".');
  return { pages, ocr: $('ocr').value, furniture: $('furniture').checked, password: $('password').value };
}

function useFile(file) {
  if (!file) return;
  if (state.settings.maxFileBytes && file.size > state.settings.maxFileBytes) {
    setStatus(`${file.name} is ${(file.size / 1048576).toFixed(1)} MiB; this server takes at most ${(state.settings.maxFileBytes / 1048576).toFixed(0)} MiB.`, true);
    return;
  }
  state.source = { kind: 'file', file };
  $('reparse').disabled = false;
  parse();
}

function useUrl(event) {
  event.preventDefault();
  const url = $('url').value.trim();
  if (!url) return;
  if (!/^https?:\/\//i.test(url)) {
    setStatus('The URL must start with http:// or https://.', true);
    return;
  }
  state.source = { kind: 'url', url: url.replace(/#.*$/, '') };
  $('reparse').disabled = false;
  parse();
}

// ---------- parsing ----------

async function parse() {
  const source = state.source;
  if (!source) return;
  let opts;
  try {
    opts = readOptions();
  } catch (e) {
    setStatus(e.message, true);
    $('pages').focus();
    return;
  }
  state.parseAbort?.abort();
  const ctrl = new AbortController();
  state.parseAbort = ctrl;
  const name = source.kind === 'file' ? source.file.name || 'the file' : source.url;
  setStatus(`Parsing ${name}…`);
  document.body.setAttribute('aria-busy', 'true');
  const started = performance.now();
  let res;
  try {
    if (source.kind === 'file') {
      const form = new FormData();
      form.append('file', source.file, source.file.name || 'document');
      form.append('layout', 'true');
      if (opts.pages) form.append('pages', opts.pages);
      if (opts.ocr) form.append('ocr', opts.ocr);
      form.append('keep_furniture', String(opts.furniture));
      if (opts.password) form.append('password', opts.password);
      res = await fetch('/v1/parse', { method: 'POST', body: form, headers: authHeaders(), signal: ctrl.signal });
    } else {
      const body = { url: source.url, layout: true, keep_furniture: opts.furniture };
      if (opts.pages) body.pages = opts.pages;
      if (opts.ocr) body.ocr = opts.ocr;
      if (opts.password) body.password = opts.password;
      res = await fetch('/v1/parse', {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...authHeaders() },
        signal: ctrl.signal,
      });
    }
  } catch (e) {
    if (ctrl.signal.aborted) return;
    document.body.removeAttribute('aria-busy');
    setStatus(`The request failed: ${e.message}`, true);
    return;
  }
  if (ctrl.signal.aborted) return;
  document.body.removeAttribute('aria-busy');
  if (res.status === 401) {
    setStatus('This server needs an API key.', true);
    askForKey(state.apiKey ? 'That key was not accepted. Enter another one.' : 'This server requires an API key (DOCINLINE_API_KEYS).', parse);
    return;
  }
  if (!res.ok) {
    const err = await readError(res);
    setStatus(`Could not parse ${name}: ${err.message} (${err.code})`, true);
    return;
  }
  const json = await res.json();
  const timing = {
    roundTripMs: performance.now() - started,
    serverMs: Number(res.headers.get('x-docinline-parse-ms') ?? NaN),
    requestId: res.headers.get('x-request-id'),
  };
  state.result = json;
  showResult(json, timing, source);
}

function stat(label, value, id) {
  return el('div', {}, el('dt', {}, label), el('dd', id ? { id } : {}, value));
}

function showResult(json, timing, source) {
  const generation = ++state.generation;
  const layout = json.layout;
  const s = json.stats ?? {};
  const dl = $('stats');
  dl.replaceChildren(
    stat('Pages', `${json.pages} of ${json.page_count}`, 'stat-pages'),
    stat('Parse', Number.isFinite(timing.serverMs) ? fmtMs(timing.serverMs) : '?', 'stat-parse'),
    stat('Round trip', fmtMs(timing.roundTripMs)),
    stat('Cache', json.cached ? 'hit' : 'miss', 'stat-cache'),
    stat('OCR pages', String(s.ocrPages ?? 0), 'stat-ocr'),
    stat('Tables', String(s.tables ?? 0)),
  );
  $('warnings').replaceChildren(...(json.warnings ?? []).map((w) => el('li', {}, w)));
  $('whole').textContent = json.markdown;
  const out = $('pages-out');
  out.replaceChildren();
  const images = pageImages(json, source, generation);
  for (const page of layout?.pages ?? []) out.append(pageView(page, layout.units, images));
  $('result').hidden = false;
  $('ask').hidden = false;
  if (!state.modelsLoaded) loadModels();
  const what = source.kind === 'file' ? source.file.name || 'the file' : source.url;
  setStatus(
    `Parsed ${what}: ${json.pages} page${json.pages === 1 ? '' : 's'} in ${Number.isFinite(timing.serverMs) ? fmtMs(timing.serverMs) : fmtMs(timing.roundTripMs)}${json.cached ? ' (from the cache)' : ''}.`,
  );
}

const TYPE_NAMES = {
  heading: 'heading',
  paragraph: 'paragraph',
  'list-item': 'list item',
  table: 'table',
  figure: 'figure',
  caption: 'caption',
  code: 'code',
  formula: 'formula',
  footnote: 'footnote',
  'page-header': 'running header',
  'page-footer': 'running footer',
  'page-number': 'page number',
};

function describe(b) {
  let d = TYPE_NAMES[b.type] ?? b.type;
  if (b.type === 'heading' && b.level) d += ` level ${b.level}`;
  if (b.source === 'ocr') d += ', OCR';
  return d;
}

function pageView(page, units, images) {
  const li = el('li', { class: 'page', dataset: { page: String(page.number) } });
  const sourceNote = page.source === 'ocr' ? ' · read by OCR' : page.source === 'empty' ? ` · ${page.notes?.join('; ') || 'no text'}` : '';
  li.append(
    el(
      'h3',
      {},
      `Page ${page.number} `,
      el('small', {}, `${Math.round(page.width)} × ${Math.round(page.height)} ${units} · ${page.blocks.length} block${page.blocks.length === 1 ? '' : 's'}${sourceNote}`),
    ),
  );
  const sheet = el('div', { class: 'sheet', role: 'group', 'aria-label': `Page ${page.number} image with ${page.blocks.length} detected blocks` });
  sheet.style.aspectRatio = `${page.width} / ${page.height}`;
  const boxes = el('div', { class: 'boxes' });
  page.blocks.forEach((b, i) => {
    const classes = ['box', `t-${b.type}`];
    if (b.furniture) classes.push('furniture');
    if (b.source === 'ocr') classes.push('ocr');
    if (b.bbox.y0 / page.height < 0.03) classes.push('inside');
    const snippet = b.text.length > 80 ? `${b.text.slice(0, 80)}…` : b.text;
    const label = `${i + 1}. ${describe(b)}${b.markdown ? '' : ' (not in the Markdown)'}: ${snippet}`;
    const box = el('button', { type: 'button', class: classes.join(' '), dataset: { b: String(i) }, 'aria-label': label, title: label }, el('span', { class: 'n', 'aria-hidden': 'true' }, String(i + 1)));
    box.tabIndex = i === 0 ? 0 : -1;
    box.style.left = pct(b.bbox.x0 / page.width);
    box.style.top = pct(b.bbox.y0 / page.height);
    box.style.width = pct((b.bbox.x1 - b.bbox.x0) / page.width);
    box.style.height = pct((b.bbox.y1 - b.bbox.y0) / page.height);
    boxes.append(box);
  });
  sheet.append(boxes);
  images.attach(page.number, sheet);

  const md = el('pre', { class: 'md', tabindex: '0', 'aria-label': `Markdown of page ${page.number}` });
  const spans = page.blocks
    .map((b, i) => (b.markdown ? [b.markdown[0], b.markdown[1], i] : null))
    .filter(Boolean)
    .sort((a, b) => a[0] - b[0]);
  let at = 0;
  for (const [start, end, i] of spans) {
    if (start < at) continue;
    if (start > at) md.append(page.markdown.slice(at, start));
    md.append(el('span', { class: 'seg', dataset: { b: String(i) } }, page.markdown.slice(start, end)));
    at = end;
  }
  if (at < page.markdown.length) md.append(page.markdown.slice(at));

  li.append(el('div', { class: 'page-grid' }, sheet, md));
  linkBlocks(li, boxes, md);
  return li;
}

/** Hovering or focusing a box lights its Markdown, and hovering Markdown lights its box. */
function linkBlocks(li, boxes, md) {
  let current = null;
  const clear = () => {
    for (const e of li.querySelectorAll('.hl')) e.classList.remove('hl');
    current = null;
  };
  const light = (i, reveal) => {
    if (current === i) return;
    clear();
    current = i;
    const box = boxes.querySelector(`[data-b="${i}"]`);
    const seg = md.querySelector(`[data-b="${i}"]`);
    box?.classList.add('hl');
    seg?.classList.add('hl');
    if (reveal && seg) {
      const pr = md.getBoundingClientRect();
      const sr = seg.getBoundingClientRect();
      if (sr.top < pr.top || sr.bottom > pr.bottom) md.scrollTop += sr.top - pr.top - pr.height / 3;
    }
  };
  const blockOf = (target) => target instanceof Element ? target.closest('[data-b]') : null;
  li.addEventListener('mouseover', (e) => {
    const t = blockOf(e.target);
    if (t) light(Number(t.dataset.b), t.classList.contains('box'));
    else if (!li.contains(document.activeElement) || !document.activeElement.classList.contains('box')) clear();
  });
  li.addEventListener('mouseleave', () => {
    const a = document.activeElement;
    if (a?.classList.contains('box') && boxes.contains(a)) light(Number(a.dataset.b), false);
    else clear();
  });
  boxes.addEventListener('focusin', (e) => {
    const t = blockOf(e.target);
    if (!t) return;
    for (const b of boxes.children) b.tabIndex = b === t ? 0 : -1;
    light(Number(t.dataset.b), true);
  });
  boxes.addEventListener('focusout', (e) => {
    if (!boxes.contains(e.relatedTarget)) clear();
  });
  boxes.addEventListener('keydown', (e) => {
    const t = blockOf(e.target);
    if (!t) return;
    const all = [...boxes.children];
    const i = all.indexOf(t);
    let next = -1;
    if (e.key === 'ArrowDown' || e.key === 'ArrowRight') next = Math.min(all.length - 1, i + 1);
    else if (e.key === 'ArrowUp' || e.key === 'ArrowLeft') next = Math.max(0, i - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = all.length - 1;
    if (next < 0) return;
    e.preventDefault();
    all[next].focus();
  });
}

// ---------- page images ----------

let pdfjsModule = null;

function loadPdfjs() {
  pdfjsModule ??= import(`${PDFJS}build/pdf.min.mjs`).then((m) => {
    m.GlobalWorkerOptions.workerSrc = `${PDFJS}build/pdf.worker.min.mjs`;
    return m;
  });
  return pdfjsModule;
}

async function sourceBytes(source) {
  if (source.kind === 'file') return { blob: source.file };
  // The browser may read the URL itself when its server allows other origins (CORS).
  const res = await fetch(source.url, { mode: 'cors', credentials: 'omit' });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return { blob: await res.blob() };
}

function noImage(sheet, text) {
  if (sheet.querySelector('canvas, img, .no-image')) return;
  sheet.prepend(el('div', { class: 'no-image' }, text));
}

/** Draws each page's image into its sheet when it scrolls into view. */
function pageImages(json, source, generation) {
  const kind = json.document?.kind ?? (String(json.mime).startsWith('image/') ? 'image' : 'pdf');
  let loaded = null;
  const load = () => {
    loaded ??= (async () => {
      const { blob } = await sourceBytes(source);
      if (kind === 'image') return { url: URL.createObjectURL(blob) };
      if (!state.settings.pageImages) throw new Error('this server does not serve pdf.js, so PDF pages cannot be drawn');
      const pdfjs = await loadPdfjs();
      const data = new Uint8Array(await blob.arrayBuffer());
      const password = $('password').value || undefined;
      const doc = await pdfjs.getDocument({
        data,
        password,
        cMapUrl: `${PDFJS}cmaps/`,
        cMapPacked: true,
        standardFontDataUrl: `${PDFJS}standard_fonts/`,
        wasmUrl: `${PDFJS}wasm/`,
        iccUrl: `${PDFJS}iccs/`,
        isEvalSupported: false,
        enableXfa: false,
      }).promise;
      return { pdf: doc };
    })();
    return loaded;
  };
  const draw = async (number, sheet) => {
    let src;
    try {
      src = await load();
    } catch (e) {
      noImage(sheet, `No page image: ${e.message}. The outlines are drawn on a blank page.`);
      return;
    }
    if (generation !== state.generation) return;
    if (src.url) {
      if (number !== 1) return noImage(sheet, 'Only the first frame of an image is shown.');
      const img = el('img', { alt: '', src: src.url });
      img.addEventListener('error', () => {
        img.remove();
        noImage(sheet, 'This browser cannot show this image format; the outlines are drawn on a blank page.');
      });
      sheet.prepend(img);
      return;
    }
    const page = await src.pdf.getPage(number);
    const base = page.getViewport({ scale: 1 });
    const cssWidth = sheet.clientWidth || 700;
    const scale = Math.min(4, Math.max(0.5, (cssWidth * (window.devicePixelRatio || 1)) / base.width));
    const viewport = page.getViewport({ scale });
    const canvas = el('canvas', { 'aria-hidden': 'true' });
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    await page.render({ canvas, canvasContext: canvas.getContext('2d'), viewport }).promise;
    if (generation !== state.generation) return;
    sheet.prepend(canvas);
    sheet.dataset.drawn = 'true';
  };
  const pending = new Map();
  const observer =
    'IntersectionObserver' in window
      ? new IntersectionObserver(
          (entries) => {
            for (const e of entries) {
              if (!e.isIntersecting) continue;
              observer.unobserve(e.target);
              const n = pending.get(e.target);
              pending.delete(e.target);
              draw(n, e.target).catch((err) => noImage(e.target, `No page image: ${err.message}`));
            }
          },
          { rootMargin: '400px 0px' },
        )
      : null;
  return {
    attach(number, sheet) {
      if (!observer) {
        draw(number, sheet).catch((err) => noImage(sheet, `No page image: ${err.message}`));
        return;
      }
      pending.set(sheet, number);
      observer.observe(sheet);
    },
  };
}

// ---------- asking ----------

function readAsDataUrl(file) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error ?? new Error('the file could not be read'));
    r.readAsDataURL(file);
  });
}

/** The document as a content part, with the playground's options in its #transform=inline fragment. */
async function documentPart() {
  const opts = readOptions();
  const frag = new URLSearchParams({ transform: 'inline' });
  if (opts.pages) frag.set('pages', opts.pages);
  if (opts.ocr) frag.set('ocr', opts.ocr);
  frag.set('furniture', opts.furniture ? 'keep' : 'drop');
  if (opts.password) frag.set('password', opts.password);
  const source = state.source;
  if (source.kind === 'file') {
    const data = await readAsDataUrl(source.file);
    return { type: 'file', file: { file_data: `${data}#${frag}`, filename: source.file.name || 'document' } };
  }
  return { type: 'image_url', image_url: { url: `${source.url}#${frag}` } };
}

async function loadModels() {
  state.modelsLoaded = true;
  try {
    const res = await fetch('/v1/models', { headers: authHeaders() });
    if (!res.ok) return;
    const json = await res.json();
    const ids = (json.data ?? []).map((m) => m.id).filter((id) => typeof id === 'string');
    $('models').replaceChildren(...ids.map((id) => el('option', { value: id })));
    if (!$('model').value && ids.length) $('model').value = ids[0];
  } catch {
    // the backend may be down; the model can still be typed
  }
}

async function readEvents(body, onData) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buf = (buf + value).replace(/\r\n/g, '\n');
    let i;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const event = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const data = event
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).replace(/^ /, ''))
        .join('\n');
      if (data && onData(data) === false) {
        reader.cancel().catch(() => {});
        return;
      }
    }
  }
}

async function ask(event) {
  event.preventDefault();
  if (!state.source) return;
  const question = $('question').value.trim();
  const model = $('model').value.trim();
  if (!question || !model) return;
  state.chatAbort?.abort();
  const ctrl = new AbortController();
  state.chatAbort = ctrl;
  const answer = $('answer');
  const reasoning = $('reasoning');
  answer.replaceChildren();
  reasoning.replaceChildren();
  $('reasoning-box').hidden = true;
  $('stop').hidden = false;
  $('ask-button').disabled = true;
  const status = $('ask-status');
  status.textContent = 'Sending the question with the document…';
  const done = (text) => {
    status.textContent = text;
    $('stop').hidden = true;
    $('ask-button').disabled = false;
    if (state.chatAbort === ctrl) state.chatAbort = null;
  };
  let res;
  try {
    const part = await documentPart();
    res = await fetch('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeaders() },
      body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: [{ type: 'text', text: question }, part] }] }),
      signal: ctrl.signal,
    });
  } catch (e) {
    done(ctrl.signal.aborted ? 'Stopped.' : `The request failed: ${e.message}`);
    return;
  }
  if (res.status === 401) {
    done('This server needs an API key.');
    askForKey(state.apiKey ? 'That key was not accepted. Enter another one.' : 'This server requires an API key (DOCINLINE_API_KEYS).', () => $('ask-form').requestSubmit());
    return;
  }
  if (!res.ok) {
    const err = await readError(res);
    done(`The backend could not answer: ${err.message} (${err.code})`);
    return;
  }
  const hits = Number(res.headers.get('x-docinline-cache-hits') ?? 0);
  const parseMs = Number(res.headers.get('x-docinline-parse-ms') ?? NaN);
  const docNote = `document ${hits ? 'from the parse cache' : `parsed in ${Number.isFinite(parseMs) ? fmtMs(parseMs) : '?'}`}`;
  status.textContent = `Answering (${docNote})…`;
  let failed = null;
  let sawReasoning = false;
  try {
    await readEvents(res.body, (data) => {
      if (data === '[DONE]') return false;
      let j;
      try {
        j = JSON.parse(data);
      } catch {
        return true;
      }
      if (j.error) {
        failed = j.error.message || 'the backend failed';
        return false;
      }
      const delta = j.choices?.[0]?.delta ?? {};
      const r = delta.reasoning_content ?? delta.reasoning;
      if (typeof r === 'string' && r) {
        if (!sawReasoning) {
          sawReasoning = true;
          $('reasoning-box').hidden = false;
        }
        reasoning.append(r);
      }
      if (typeof delta.content === 'string' && delta.content) answer.append(delta.content);
      return true;
    });
  } catch (e) {
    done(ctrl.signal.aborted ? 'Stopped.' : `The answer was cut off: ${e.message}`);
    return;
  }
  done(failed ? `The backend failed while answering: ${failed}` : `Done (${docNote}).`);
}

// ---------- wiring ----------

function wire() {
  const drop = $('drop');
  const input = $('file');
  drop.addEventListener('click', () => input.click());
  drop.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      input.click();
    }
  });
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    useFile(e.dataTransfer?.files?.[0]);
  });
  // A file dropped outside the zone must not navigate away from the page.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());
  input.addEventListener('change', () => {
    useFile(input.files?.[0]);
    input.value = '';
  });
  $('url-form').addEventListener('submit', useUrl);
  $('options-form').addEventListener('submit', (e) => {
    e.preventDefault();
    if (state.source) parse();
  });
  $('copy-md').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(state.result?.markdown ?? '');
      setStatus('The Markdown was copied.');
    } catch {
      setStatus('The clipboard is not available here; use "Whole Markdown" and select the text.', true);
    }
  });
  $('toggle-whole').addEventListener('click', (e) => {
    const w = $('whole');
    w.hidden = !w.hidden;
    e.currentTarget.setAttribute('aria-expanded', String(!w.hidden));
  });
  $('ask-form').addEventListener('submit', ask);
  $('question').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) $('ask-form').requestSubmit();
  });
  $('stop').addEventListener('click', () => state.chatAbort?.abort());
  $('key-form').addEventListener('submit', saveKey);
  $('key-forget').addEventListener('click', forgetKey);
  $('key-cancel').addEventListener('click', () => $('key-dialog').close());
  $('key-button').addEventListener('click', () => askForKey('Enter the API key to use for this page.'));
}

async function init() {
  wire();
  try {
    const res = await fetch('/ui/config.json');
    if (res.ok) state.settings = { ...state.settings, ...(await res.json()) };
  } catch {
    // defaults
  }
  $('key-button').hidden = !state.settings.auth;
  if (state.settings.auth && !state.apiKey) askForKey('This server requires an API key (DOCINLINE_API_KEYS).');
  document.documentElement.dataset.ready = 'true';
}

init();
