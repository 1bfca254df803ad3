// The platform's one client script. Pages work without inline script (the
// CSP forbids it); this file wires their forms to the JSON API. Messages
// shown to people come localised from the server.
"use strict";

(function () {
  const lang = document.documentElement.lang || "ru";
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  // api calls the JSON API; it resolves to the parsed body and rejects with
  // {status, code, message, fields, retryAfter} on an error answer.
  async function api(method, url, body, raw, extraHeaders) {
    const headers = Object.assign({ "Accept": "application/json", "X-CSRF-Token": csrf() }, extraHeaders || {});
    const init = { method, headers, credentials: "same-origin" };
    if (raw) {
      init.body = raw;
    } else if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const res = await fetch(url + (url.includes("?") ? "&" : "?") + "lang=" + lang, init);
    const text = await res.text();
    const data = text ? JSON.parse(text) : {};
    if (!res.ok) {
      const e = data.error || { code: "errors.internal", message: res.statusText };
      throw { status: res.status, code: e.code, message: e.message, fields: e.fields || [], retryAfter: Number(res.headers.get("Retry-After") || 0) };
    }
    return data;
  }

  function showError(form, err) {
    const p = form.querySelector(".form-error");
    form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
    form.querySelectorAll(".field-error").forEach((el) => el.remove());
    if (!err) { if (p) p.hidden = true; return; }
    const fieldErrors = (err.fields || []).filter((f) => {
      const name = f.field.split(".").pop();
      const input = form.querySelector('[name="' + name + '"]');
      if (!input) return false;
      input.setAttribute("aria-invalid", "true");
      const note = document.createElement("span");
      note.className = "field-error";
      note.textContent = f.message;
      input.insertAdjacentElement("afterend", note);
      return true;
    });
    if (p) {
      p.textContent = fieldErrors.length && fieldErrors.length === (err.fields || []).length ? err.message : (err.message || "Error");
      p.hidden = false;
    }
  }

  function ok(form, on) { const p = form.querySelector(".form-ok"); if (p) p.hidden = !on; }

  function values(form) {
    const out = {};
    new FormData(form).forEach((v, k) => { if (typeof v === "string") out[k] = v.trim(); });
    return out;
  }

  function busy(form, on) { form.querySelectorAll("button").forEach((b) => { if (on) b.dataset.wasDisabled = b.disabled; b.disabled = on || b.dataset.wasDisabled === "true"; }); }

  function onSubmit(form, handler) {
    if (!form) return;
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      showError(form, null); ok(form, false); busy(form, true);
      try { await handler(values(form), form); } catch (err) { showError(form, err); } finally { busy(form, false); }
    });
  }

  // Logout from the header of every page.
  document.querySelectorAll('[data-action="logout"]').forEach((b) => b.addEventListener("click", async () => {
    try { await api("POST", "/api/v1/auth/logout"); } finally { location.href = "/"; }
  }));

  // ---- login page ---------------------------------------------------------
  const login = document.querySelector('[data-page="login"]');
  if (login) {
    const next = login.dataset.next || "/profile";
    const done = () => { location.href = next; };
    login.querySelectorAll("[data-tab]").forEach((tab) => tab.addEventListener("click", () => {
      login.querySelectorAll("[data-tab]").forEach((t) => t.setAttribute("aria-selected", String(t === tab)));
      login.querySelectorAll("[data-panel]").forEach((p) => { p.hidden = p.dataset.panel !== tab.dataset.tab; });
    }));

    const start = login.querySelector('[data-form="phone-start"]');
    const verify = login.querySelector('[data-form="phone-verify"]');
    let phone = "";
    let timer = null;
    const countdown = (seconds) => {
      const resend = verify.querySelector('[data-action="resend"]');
      const label = verify.querySelector("[data-countdown]");
      clearInterval(timer);
      let left = Math.max(0, Math.round(seconds));
      const tick = () => {
        resend.disabled = left > 0;
        label.textContent = left > 0 ? label.dataset.template.replace("{s}", String(left)) : "";
        if (left-- <= 0) clearInterval(timer);
      };
      tick();
      timer = setInterval(tick, 1000);
    };
    const sendCode = async () => {
      const r = await api("POST", "/api/v1/auth/phone/start", { phone });
      start.hidden = true; verify.hidden = false;
      verify.querySelector("[data-sent-to]").textContent = phone;
      verify.querySelector('[name="code"]').focus();
      countdown(r.resend_after);
    };
    onSubmit(start, async (v) => {
      const digits = v.phone.replace(/[^0-9+]/g, "");
      phone = digits.startsWith("+") ? digits : v.country + digits;
      try { await sendCode(); } catch (err) { if (err.retryAfter) { start.hidden = true; verify.hidden = false; countdown(err.retryAfter); } throw err; }
    });
    verify.querySelector('[data-action="resend"]').addEventListener("click", async () => {
      showError(verify, null);
      try { await sendCode(); } catch (err) { showError(verify, err); if (err.retryAfter) countdown(err.retryAfter); }
    });
    verify.querySelector('[data-action="change-phone"]').addEventListener("click", () => { verify.hidden = true; start.hidden = false; clearInterval(timer); });
    onSubmit(verify, async (v) => { await api("POST", "/api/v1/auth/phone/verify", { phone, code: v.code }); done(); });

    const pw = login.querySelector('[data-form="password-login"]');
    const emailVerify = login.querySelector('[data-form="email-verify"]');
    const forgot = login.querySelector('[data-form="forgot"]');
    let email = "";
    onSubmit(pw, async (v) => { await api("POST", "/api/v1/auth/password/login", { email: v.email, password: v.password }); done(); });
    pw.querySelector('[data-action="email-code"]').addEventListener("click", async () => {
      showError(pw, null);
      email = pw.querySelector('[name="email"]').value.trim();
      try {
        await api("POST", "/api/v1/auth/email/start", { email });
        pw.hidden = true; emailVerify.hidden = false;
        emailVerify.querySelector("[data-sent-to]").textContent = email;
      } catch (err) { showError(pw, err); }
    });
    onSubmit(emailVerify, async (v) => { await api("POST", "/api/v1/auth/email/verify", { email, code: v.code }); done(); });
    pw.querySelector('[data-action="forgot"]').addEventListener("click", () => {
      pw.hidden = true; forgot.hidden = false;
      forgot.querySelector('[name="email"]').value = pw.querySelector('[name="email"]').value;
    });
    onSubmit(forgot, async (v) => { await api("POST", "/api/v1/auth/password/forgot", { email: v.email }); ok(forgot, true); });
  }

  onSubmit(document.querySelector('[data-form="email-link"]'), async (v) => {
    await api("POST", "/api/v1/auth/email/verify", { email: v.email, code: v.code });
    location.href = "/profile";
  });
  onSubmit(document.querySelector('[data-form="reset"]'), async (v) => {
    await api("POST", "/api/v1/auth/password/reset", { token: v.token, password: v.password });
    location.href = "/profile";
  });

  // ---- forms generated from a product's field schema ----------------------
  const text = (t) => (t && (t[lang] || t.ru || Object.values(t)[0])) || "";

  function renderFields(box, fields, vals) {
    box.innerHTML = "";
    const selects = {};
    fields.forEach((f) => {
      const label = document.createElement("label");
      label.textContent = text(f.title) + (f.required ? " *" : "");
      let input;
      if (f.type === "enum") {
        input = document.createElement("select");
        selects[f.key] = { input, field: f };
      } else if (f.type === "text") {
        input = document.createElement("textarea");
      } else {
        input = document.createElement("input");
        input.type = { date: "date", time: "time", number: "number" }[f.type] || "text";
        if (f.type === "number") { input.step = "any"; if (f.min != null) input.min = f.min; if (f.max != null) input.max = f.max; }
        if (f.max_len) input.maxLength = f.max_len;
      }
      input.name = f.key;
      if (f.required) input.required = true;
      label.appendChild(input);
      if (f.hint) { const h = document.createElement("small"); h.className = "muted"; h.textContent = text(f.hint); label.appendChild(h); }
      box.appendChild(label);
    });
    const fill = (sel, options, value) => {
      sel.innerHTML = "";
      const empty = document.createElement("option"); empty.value = ""; empty.textContent = "—"; sel.appendChild(empty);
      (options || []).forEach((o) => { const op = document.createElement("option"); op.value = o.key; op.textContent = text(o.title); sel.appendChild(op); });
      sel.value = value || "";
    };
    Object.values(selects).forEach(({ input, field }) => {
      if (!field.depends_on) fill(input, field.options, vals[field.key]);
    });
    Object.values(selects).forEach(({ input, field }) => {
      if (!field.depends_on || !selects[field.depends_on]) return;
      const parent = selects[field.depends_on].input;
      const refill = (keep) => fill(input, (field.options_by || {})[parent.value], keep ? vals[field.key] : "");
      refill(true);
      parent.addEventListener("change", () => refill(false));
    });
    fields.forEach((f) => { if (f.type !== "enum" && vals[f.key] != null) box.querySelector('[name="' + f.key + '"]').value = vals[f.key]; });
  }

  function collect(box, fields) {
    const out = {};
    fields.forEach((f) => {
      const v = box.querySelector('[name="' + f.key + '"]').value.trim();
      if (v === "") return;
      out[f.key] = f.type === "number" ? Number(v.replace(",", ".")) : v;
    });
    return out;
  }

  // ---- profile page -----------------------------------------------------------
  const profile = document.querySelector('[data-page="profile"]');
  if (profile) {
    const fields = JSON.parse(document.getElementById("profile-fields").textContent || "[]");
    const form = profile.querySelector('[data-form="profile"]');
    const box = form.querySelector("[data-product-fields]");
    const avatar = profile.querySelector("[data-avatar]");
    const pwForm = profile.querySelector('[data-form="password"]');
    const load = async () => {
      const me = await api("GET", "/api/v1/me");
      ["name", "surname", "phone", "email", "birth_date"].forEach((k) => { form.querySelector('[name="' + k + '"]').value = me[k] || ""; });
      renderFields(box, fields, me.fields || {});
      if (me.avatar_url) { avatar.src = me.avatar_url; avatar.hidden = false; }
      pwForm.querySelector("[data-current-password]").hidden = !me.has_password;
    };
    load();
    onSubmit(form, async (v) => {
      await api("PATCH", "/api/v1/me", { name: v.name, surname: v.surname, phone: v.phone, email: v.email, birth_date: v.birth_date, fields: collect(box, fields) });
      ok(form, true);
    });
    const avatarForm = profile.querySelector('[data-form="avatar"]');
    avatarForm.querySelector('input[type="file"]').addEventListener("change", async (ev) => {
      showError(avatarForm, null);
      const fd = new FormData(); fd.append("avatar", ev.target.files[0]);
      try { const r = await api("PUT", "/api/v1/me/avatar", undefined, fd); avatar.src = r.avatar_url; avatar.hidden = false; } catch (err) { showError(avatarForm, err); }
    });
    onSubmit(pwForm, async (v) => { await api("POST", "/api/v1/me/password", { current: v.current || "", password: v.password }); ok(pwForm, true); pwForm.reset(); load(); });

    const list = profile.querySelector("[data-sessions]");
    const sessions = async () => {
      const r = await api("GET", "/api/v1/me/sessions");
      list.innerHTML = "";
      r.sessions.forEach((s) => {
        const li = document.createElement("li");
        li.textContent = (s.current ? "● " : "") + s.user_agent.slice(0, 60) + " · " + s.ip + " · " + new Date(s.last_seen_at).toLocaleString(lang);
        list.appendChild(li);
      });
    };
    sessions();
    profile.querySelector('[data-action="end-others"]').addEventListener("click", async () => { await api("POST", "/api/v1/me/sessions/end-others"); sessions(); });

    const delStart = profile.querySelector('[data-form="delete-start"]');
    const delConfirm = profile.querySelector('[data-form="delete-confirm"]');
    onSubmit(delStart, async () => { await api("POST", "/api/v1/me/deletion"); delStart.hidden = true; delConfirm.hidden = false; });
    onSubmit(delConfirm, async (v) => { await api("DELETE", "/api/v1/me", { code: v.code }); location.href = "/"; });
  }

  // ---- subjects (pets) page ---------------------------------------------------
  const subjects = document.querySelector('[data-page="subjects"]');
  if (subjects) {
    const kinds = JSON.parse(document.getElementById("subject-kinds").textContent || "[]");
    const kind = kinds[0];
    const list = subjects.querySelector("[data-subjects]");
    const empty = subjects.querySelector("[data-empty]");
    const form = subjects.querySelector('[data-form="subject"]');
    const box = form.querySelector("[data-fields]");
    const item = document.getElementById("subject-item");
    let editing = null;
    const optionTitle = (f, vals) => {
      const opts = f.depends_on ? (f.options_by || {})[vals[f.depends_on]] : f.options;
      const o = (opts || []).find((x) => x.key === vals[f.key]);
      return o ? text(o.title) : vals[f.key];
    };
    const open = (s) => {
      editing = s;
      const title = form.querySelector("[data-form-title]");
      title.textContent = s ? title.dataset.edit : title.dataset.add;
      renderFields(box, kind.fields, s ? s.fields : {});
      showError(form, null);
      form.hidden = false;
      form.scrollIntoView({ block: "nearest" });
    };
    const load = async () => {
      const r = await api("GET", "/api/v1/me/subjects");
      list.innerHTML = "";
      empty.hidden = r.subjects.length > 0;
      r.subjects.forEach((s) => {
        const li = item.content.firstElementChild.cloneNode(true);
        li.querySelector(".subject-label").textContent = s.label;
        li.querySelector(".subject-meta").textContent = kind.fields.filter((f) => f.type === "enum" && s.fields[f.key]).map((f) => optionTitle(f, s.fields)).join(", ");
        li.querySelector('[data-action="edit"]').addEventListener("click", () => open(s));
        const del = li.querySelector('[data-action="delete"]');
        del.addEventListener("click", async () => { if (confirm(del.dataset.confirm)) { await api("DELETE", "/api/v1/me/subjects/" + s.id); load(); } });
        list.appendChild(li);
      });
    };
    load();
    subjects.querySelector('[data-action="add-subject"]').addEventListener("click", () => open(null));
    form.querySelector('[data-action="cancel"]').addEventListener("click", () => { form.hidden = true; });
    onSubmit(form, async () => {
      const fields = collect(box, kind.fields);
      if (editing) await api("PATCH", "/api/v1/me/subjects/" + editing.id, { fields });
      else await api("POST", "/api/v1/me/subjects", { kind: kind.key, fields });
      form.hidden = true;
      load();
    });
  }

  // ---- partners' API keys (tenant admins) ---------------------------------------
  // The list is rendered by the server; this makes and revokes keys. A new
  // key's secret is shown once, here, and never again.
  const apiKeys = document.querySelector('[data-page="api-keys"]');
  if (apiKeys) {
    const create = apiKeys.querySelector('[data-form="api-key-create"]');
    const secretBox = apiKeys.querySelector("[data-key-secret]");
    const secretValue = secretBox.querySelector("[data-secret-value]");
    onSubmit(create, async (v) => {
      const r = await api("POST", "/api/v1/admin/api-keys", { name: v.name || "" });
      secretValue.textContent = r.secret;
      secretBox.hidden = false;
      create.hidden = true;
    });
    const copy = secretBox.querySelector('[data-action="copy-secret"]');
    copy.addEventListener("click", async () => {
      try { await navigator.clipboard.writeText(secretValue.textContent); copy.textContent = copy.dataset.copied; } catch (e) { /* select it by hand */ }
    });
    // Leaving the box forgets the secret: the list shows the new key's prefix.
    secretBox.querySelector('[data-action="secret-done"]').addEventListener("click", () => { secretValue.textContent = ""; location.reload(); });
    const revokeError = apiKeys.querySelector("[data-revoke-error]");
    apiKeys.querySelectorAll('[data-action="revoke-key"]').forEach((b) => b.addEventListener("click", async () => {
      if (!confirm(b.dataset.confirm)) return;
      try { await api("DELETE", "/api/v1/admin/api-keys/" + encodeURIComponent(b.dataset.id)); location.reload(); } catch (err) {
        revokeError.textContent = err.message; revokeError.hidden = false;
      }
    }));
  }

  // ---- dev outbox -------------------------------------------------------------
  const outbox = document.querySelector('[data-page="dev-outbox"]');
  if (outbox) {
    const form = outbox.querySelector("form");
    const tbody = outbox.querySelector("tbody");
    const load = async (to) => {
      const r = await api("GET", "/api/v1/dev/outbox?to=" + encodeURIComponent(to || ""));
      tbody.innerHTML = "";
      r.messages.forEach((m) => {
        const tr = document.createElement("tr");
        [new Date(m.created_at).toLocaleString(lang), m.channel, m.to, m.kind, (m.subject ? m.subject + " — " : "") + m.text].forEach((v) => {
          const td = document.createElement("td"); td.textContent = v; tr.appendChild(td);
        });
        tbody.appendChild(tr);
      });
    };
    form.addEventListener("submit", (ev) => { ev.preventDefault(); load(form.querySelector('[name="to"]').value.trim()); });
    load(form.querySelector('[name="to"]').value.trim());
  }
  // The page scripts loaded after this one (shop.js …) share these.
  window.platform = { api, showError, ok, values, busy, onSubmit };
})();
