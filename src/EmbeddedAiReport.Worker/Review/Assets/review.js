// The review page's only script (EmbeddedAiReport, no dependencies). Without it every form still works as a plain post.
// With it: actions are sent in the background and the candidates and the preview are re-read from the server; keyboard
// triage (j/k move, s shortlist, r reject, u undo the last shortlist or reject; a checkbox turns these keys off, remembered in
// this browser); an entry's Edit fetches its section and edit forms into the row, and Escape closes them; a story unfolded
// fetches its members' actions; copy the markdown. What only works with it (the keys line, Copy) is shown by it.
// body[data-busy] is set while a request runs and body[data-actions] counts finished actions (tests wait on them).
(() => {
  'use strict';
  const body = document.body;
  const undo = [];
  let current = null;   // entry id under the cursor

  // body[data-busy] stays set while any request runs (an unfolded story fetches its members' actions side by side).
  let running = 0;
  const busy = async (task) => {
    running += 1;
    body.dataset.busy = '1';
    try {
      return await task();
    } finally {
      running -= 1;
      if (running === 0) delete body.dataset.busy;
    }
  };

  const status = (text, failed) => {
    const line = document.getElementById('status');
    line.textContent = text || '';
    line.classList.toggle('error', !!failed);
  };

  // WCAG 2.1.4: one-letter keys fire on a stray key press or a speech command ("s", "r"). The editor can turn them off; the
  // choice is kept in this browser (localStorage, unless the browser refuses it: then for this page only).
  const keysSetting = 'eair-review-keys';
  const keysBox = document.getElementById('keys-on');
  const keysOn = () => !keysBox || keysBox.checked;
  const remembered = () => { try { return localStorage.getItem(keysSetting); } catch { return null; } };
  if (keysBox && remembered() === 'off') keysBox.checked = false;
  keysBox?.addEventListener('change', () => {
    try { localStorage.setItem(keysSetting, keysBox.checked ? 'on' : 'off'); } catch { /* kept for this page only */ }
    status(keysBox.checked ? 'single-key shortcuts on' : 'single-key shortcuts off');
  });
  // What needs the script (the keys line, Copy) is hidden in the HTML: shown here, and again in each part a refresh swaps in.
  const reveal = (scope) => scope.querySelectorAll('[data-script]').forEach(part => { part.hidden = false; });
  reveal(document);

  const rows = () => Array.from(document.querySelectorAll('#candidates article.entry'))
    .filter(row => !row.parentElement.closest('details:not([open])'));

  // focus: the keyboard's j/k move the focus with the cursor, so that Tab goes on from that entry and a screen reader reads it.
  const select = (row, focus) => {
    document.querySelectorAll('article.entry.current').forEach(r => r.classList.remove('current'));
    current = row ? row.dataset.id : null;
    if (row) {
      row.classList.add('current');
      row.scrollIntoView({ block: 'nearest' });
      if (focus) {
        row.tabIndex = -1;
        row.focus({ preventScroll: true });
      }
    }
  };

  // form.action would be the button named "action": read the attribute.
  const target = (form) => form.getAttribute('action');

  const token = () => document.querySelector('input[name="__RequestVerificationToken"]')?.value || '';

  // The controls of an entry (or of the preview), its members' not included.
  const controls = (scope) => Array.from(scope.querySelectorAll('a[href], button, select, input:not([type=hidden]), textarea, summary'))
    .filter(control => control.closest('article.entry, #preview') === scope);
  const shown = (control) => control.getClientRects().length > 0;
  const identity = (control) => [control.tagName, control.name || '', control.tagName === 'BUTTON' ? control.value : '',
    control.tagName === 'SUMMARY' ? control.parentElement.className : control.tagName === 'A' ? control.className : ''].join('|');

  // Where the focus is, to find it again after the list is re-read: the entry (or the preview) and the control.
  const focused = () => {
    const control = document.activeElement;
    // On an entry itself, j/k put it there: it stays with the cursor (s and r move the cursor on to the next entry).
    if (control?.matches('#candidates article.entry')) return { cursor: true };
    const scope = control?.closest('#candidates article.entry, aside#preview');
    return scope ? { scope: scope.id, identity: identity(control), index: controls(scope).filter(shown).indexOf(control),
      fold: !!control.closest('details.edit') } : null;
  };

  // Re-reading the list replaces the focused control, and the next Tab started at the top of the page: the focus goes back
  // to the same control of the same entry, to the fold it is in now (Save, after the edit form closed), or, when the
  // control went (Reject of an entry now rejected), to the one in its place (Reset).
  const refocus = (was) => {
    if (!was || document.activeElement !== body) return;
    if (was.cursor) {
      select(current ? document.querySelector(`article.entry[data-id="${current}"]`) : null, true);
      return;
    }
    const scope = document.getElementById(was.scope);
    if (!scope) return;
    const all = controls(scope);
    const same = all.find(control => identity(control) === was.identity);
    const visible = all.filter(shown);
    const target = same && shown(same) ? same
      : same?.closest('details:not([open])')?.querySelector(':scope > summary')
      // A control of an edit form the re-read list no longer holds (Save): the row's Edit, the form's place.
      || (was.fold ? all.find(control => control.matches('a.edit')) : null) || visible[Math.min(was.index, visible.length - 1)];
    if (target) target.focus();
    else {
      scope.tabIndex = -1;
      scope.focus();
    }
  };

  // conflicted: what to do after a 409 has been answered with the page as it is now.
  const send = (url, data, conflicted) => busy(async () => {
    const was = focused();
    try {
      const response = await fetch(url, { method: 'POST', body: data, headers: { 'X-Review': '1' }, credentials: 'same-origin' });
      const reply = await response.json().catch(() => ({ ok: false, message: `${response.status} ${response.statusText}` }));
      status(reply.message, !response.ok);
      // 409: the draft changed since the page was read (Publish refused it), or the text an edit changed did: show it as it is now.
      if (response.ok || response.status === 409) await refresh();
      refocus(was);
      if (response.status === 409 && conflicted) await conflicted();
      return response.ok;
    } catch (error) {
      status(`request failed: ${error}`, true);
      return false;
    } finally {
      body.dataset.actions = String(Number(body.dataset.actions || '0') + 1);
    }
  });

  // Re-read the page and swap the parts that change; open story folds and the cursor stay.
  const refresh = async () => {
    const open = Array.from(document.querySelectorAll('details.members[open]')).map(d => d.closest('article').dataset.id);
    // The page of a section's entries out of the draft the editor is on (?more=SECTION:OFFSET) stays that page, and a story
    // shown with all its members (?story=ID) stays so.
    const kept = String(new URLSearchParams(Array.from(new URLSearchParams(location.search)).filter(([name]) => name === 'more' || name === 'story')));
    const response = await fetch(`/review/${encodeURIComponent(body.dataset.week)}${kept === '' ? '' : `?${kept}`}`, { headers: { 'X-Review': '1' }, credentials: 'same-origin' });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), 'text/html');
    if (response.redirected) moved(page, response.url);
    for (const id of ['counts', 'candidates', 'preview']) {
      const fresh = page.getElementById(id);
      if (fresh) {
        document.getElementById(id).replaceWith(fresh);
        reveal(fresh);
      }
    }
    // Open again, with their members' actions fetched before the focus goes back to one of them.
    await Promise.all(open.map(id => document.querySelector(`article[data-id="${id}"] > details.members`)).filter(fold => fold).map(fold => {
      fold.open = true;
      return unfold(fold);
    }));
    select(current ? document.querySelector(`article.entry[data-id="${current}"]`) : null);
  };

  // An entry's page (its Edit link's), parsed; null when it has none for this editor: the status line says why (an issue
  // took the entry meanwhile, a read-only page).
  const entryPage = async (link) => {
    const response = await fetch(link.href, { headers: { 'X-Review': '1' }, credentials: 'same-origin' });
    const text = await response.text();
    if (!response.ok) {
      status(text.trim() || `${response.status} ${response.statusText}`, true);
      return null;
    }
    return new DOMParser().parseFromString(text, 'text/html');
  };

  // A folded story's members come without their actions (a flooded week's page carried 437 rows of them, most never
  // unfolded): unfolded, each member's actions are taken from its entry's page, the form the row had before round 40, put
  // before its Edit. Once a fold: a refresh asks again for the folds it re-reads.
  const unfolding = new WeakMap();
  const unfold = (fold) => {
    if (!unfolding.has(fold)) {
      const rows = Array.from(fold.querySelectorAll(':scope > article.entry'))
        .filter(row => !row.querySelector(':scope > form.actions') && row.querySelector(':scope > a.edit'));
      unfolding.set(fold, rows.length === 0 ? Promise.resolve() : busy(() => Promise.all(rows.map(async (row) => {
        const link = row.querySelector(':scope > a.edit');
        try {
          const form = (await entryPage(link))?.querySelector('form.actions');
          if (form && link.isConnected && !row.querySelector(':scope > form.actions')) link.before(document.adoptNode(form));
        } catch (error) {
          status(`request failed: ${error}`, true);
        }
      }))));
    }
    return unfolding.get(fold);
  };
  // toggle does not bubble: caught on its way down. A fold the page opens itself holds its members' actions already.
  document.addEventListener('toggle', (event) => {
    if (event.target.matches?.('details.members') && event.target.open) unfold(event.target);
  }, true);

  // since-last has no window left (a publish covered today): GET /review/since-last sent the current week's page, saying
  // why (README). The page becomes that week's, its heading, links and the window its actions and refreshes name included;
  // the status line (the same element: a screen reader keeps announcing it) says what was done, then why.
  const moved = (page, url) => {
    const line = document.getElementById('status');
    const why = page.getElementById('status')?.textContent;
    // The keys switch stays this page's own (its state and listener), in its place among the new parts.
    const keys = document.querySelector('header#top > p.keys');
    document.querySelectorAll('header#top > :not(#status)').forEach(part => part.remove());
    page.querySelectorAll('header#top > :not(#status)').forEach(part => line.before(part.matches('p.keys') && keys ? keys : document.adoptNode(part)));
    if (why) line.textContent = line.textContent ? `${line.textContent}; ${why}` : why;
    body.dataset.week = page.body.dataset.week;
    document.title = page.title;
    history.replaceState(null, '', new URL(url).pathname);
  };

  // The text a field of an edit form showed: its defaultValue, or on the page that answered a refused save without the
  // script (the field holds what was typed) the entry's text as it is now, which the server gives as data-shown.
  const shownText = (field) => field.dataset.shown ?? field.defaultValue;

  // The fields of an edit form the editor changed from the text the page showed, as [name, typed value].
  const typed = (form) => ['title', 'summary']
    .filter(name => form.elements[name] && form.elements[name].value !== shownText(form.elements[name]))
    .map(name => [name, form.elements[name].value]);

  // A row's Edit is a link to the entry's page (a row carries no edit form nor section list of its own: a flooded week's
  // page was megabytes of them). Fetched, the page's section and edit forms go into the row in a fold whose summary takes
  // the link's place, id and name, and the focus; from then on they are the row's (Escape, Move, Save, a 409) until the
  // list is re-read. Null: no edit form, the status line says why.
  const openEdit = (link) => busy(async () => {
    try {
      const page = await entryPage(link);
      const form = page?.querySelector('form.edit');
      if (!form || !link.isConnected) return null;
      const fold = document.createElement('details');
      fold.className = 'edit';
      const summary = document.createElement('summary');
      summary.id = link.id;
      summary.setAttribute('aria-labelledby', link.getAttribute('aria-labelledby'));
      summary.textContent = link.textContent;
      const move = page.querySelector('form.move');
      fold.append(summary, ...(move ? [document.adoptNode(move)] : []), document.adoptNode(form));
      fold.open = true;
      link.replaceWith(fold);
      summary.focus();
      return form;
    } catch (error) {
      status(`request failed: ${error}`, true);
      return null;
    }
  });

  // An edit refused because the text changed meanwhile: the page now shows the text as it is, and what the editor typed
  // waits in the fields they changed, the form (fetched again: it shows and fingerprints the text as it is now) open, to be
  // checked against it and saved again (not typed again).
  const restore = async (id, fields) => {
    const row = document.querySelector(`article.entry[data-id="${id}"]`);
    const link = row?.querySelector(':scope > a.edit');
    const form = link ? await openEdit(link) : row?.querySelector(':scope > details.edit > form.edit');
    if (!form) return;
    fields.forEach(([name, value]) => { if (form.elements[name]) form.elements[name].value = value; });
    form.closest('details.edit').setAttribute('open', '');
    form.elements[fields[0][0]]?.focus();
  };

  const act = (row, action) => {
    const button = row?.querySelector(`:scope > form button[value="${action}"]`);
    if (!button) return;
    const list = rows();
    const next = list[list.indexOf(row) + 1] || list[list.indexOf(row) - 1];
    undo.push({ id: row.dataset.id, status: row.dataset.status });
    current = next ? next.dataset.id : null;
    send(target(button.form), new FormData(button.form, button));
  };

  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (!form.matches('form[data-review]')) return;
    event.preventDefault();
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
    const submitter = event.submitter;
    const row = form.closest('article.entry');
    if (row && submitter && ['shortlisted', 'rejected'].includes(submitter.value)) undo.push({ id: row.dataset.id, status: row.dataset.status });
    if (row) current = row.dataset.id;
    const kept = row && submitter?.value === 'edit' ? typed(form) : [];
    send(target(form), new FormData(form, submitter), kept.length > 0 ? () => restore(row.dataset.id, kept) : null);
  });

  // Escape in an edit form closes it without saving, the focus back on its Edit. What the editor typed is dropped only when
  // they say so (a 摘要 written for minutes is not lost to a stray key); dropped, the fields show the text the page shows,
  // as after a 409 the fields the editor did not change do.
  const close = (event) => {
    const fold = event.target.closest('details.edit[open]');
    if (!fold) return;
    event.preventDefault();
    const form = fold.querySelector(':scope > form.edit');
    const changed = typed(form);
    const row = fold.closest('article.entry');
    const title = row.querySelector(':scope > .head .title')?.textContent;
    if (changed.length > 0 && !window.confirm(`Drop what you typed in the ${changed.map(([name]) => name).join(' and ')} of "${title}"? Nothing of it is saved.`)) return;
    changed.forEach(([name]) => { form.elements[name].value = shownText(form.elements[name]); });
    fold.removeAttribute('open');
    fold.querySelector(':scope > summary').focus();
  };

  document.addEventListener('keydown', (event) => {
    // Not while an input method composes (拼音): there Escape takes back the candidate list, not the form.
    if (event.key === 'Escape' && !event.isComposing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      close(event);
      return;
    }
    if (!keysOn() || event.ctrlKey || event.metaKey || event.altKey || event.target.closest('input, textarea, select, [contenteditable]')) return;
    // An entry reached with Tab is the cursor's: s, r and j/k start from it, not from where the cursor was left.
    const within = event.target.closest('#candidates article.entry');
    if (within && within.dataset.id !== current && ['j', 'k', 's', 'r'].includes(event.key)) select(within);
    const list = rows();
    const row = current ? document.querySelector(`article.entry[data-id="${current}"]`) : null;
    const index = row ? list.indexOf(row) : -1;
    switch (event.key) {
      case 'j': select(list[Math.min(index + 1, list.length - 1)], true); break;
      case 'k': select(list[Math.max(index - 1, 0)], true); break;
      case 's': act(row, 'shortlisted'); break;
      case 'r': act(row, 'rejected'); break;
      case 'u': {
        const last = undo.pop();
        if (!last) { status('nothing to undo'); break; }
        const data = new FormData();
        data.append('__RequestVerificationToken', token());
        data.append('action', last.status);
        current = last.id;
        send(`/review/${encodeURIComponent(body.dataset.week)}/entries/${last.id}`, data);
        break;
      }
      default: return;
    }
    event.preventDefault();
  });

  document.addEventListener('click', (event) => {
    // A plain click or Enter on Edit; with a modifier the browser opens the edit page as it would any link (a new tab).
    const edit = event.target.closest('article.entry > a.edit');
    if (edit && event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey && !event.altKey) {
      event.preventDefault();
      openEdit(edit);
      return;
    }
    if (event.target.id === 'copy') {
      const text = document.getElementById('draft-md').textContent;
      const fallback = () => {
        const area = Object.assign(document.createElement('textarea'), { value: text });
        document.body.append(area);
        area.select();
        document.execCommand('copy');
        area.remove();
        status('markdown copied');
      };
      if (navigator.clipboard) navigator.clipboard.writeText(text).then(() => status('markdown copied'), fallback);
      else fallback();
      return;
    }
    const row = event.target.closest('article.entry');
    if (row && !event.target.closest('a, button, input, textarea, select, summary')) select(row);
  });

  body.dataset.actions = '0';
  body.dataset.ready = '1';
})();
