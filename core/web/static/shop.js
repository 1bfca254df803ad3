// The shop's pages: checkout, the order's state, «Мои услуги», activation
// and transfer of certificates. Uses the helpers app.js exposes; every text
// comes from the server (the page or the API's localised errors).
"use strict";

(function () {
  const P = window.platform;
  if (!P) return;
  const { api, showError, onSubmit } = P;

  // ---- checkout -----------------------------------------------------------
  const checkout = document.querySelector('[data-page="checkout"]');
  if (checkout) {
    const form = checkout.querySelector('[data-form="checkout"]');
    const offer = checkout.dataset.offer;
    const pkg = checkout.dataset.package;
    const promoBox = form.querySelector("[data-promo]");
    const promoInput = form.querySelector('[name="promo_code"]');
    const note = form.querySelector("[data-promo-note]");
    const total = checkout.querySelector("[data-total]");
    const list = checkout.querySelector("[data-list]");
    const money = (k, cur) => new Intl.NumberFormat(document.documentElement.lang || "ru", { style: "currency", currency: cur, minimumFractionDigits: k % 100 ? 2 : 0 }).format(k / 100);

    form.querySelector('[data-action="show-promo"]').addEventListener("click", (ev) => {
      promoBox.hidden = !promoBox.hidden;
      ev.currentTarget.setAttribute("aria-expanded", String(!promoBox.hidden));
      if (!promoBox.hidden) promoInput.focus();
    });
    const receipt = form.querySelector("[data-receipt]");
    form.querySelector('[data-action="toggle-receipt"]').addEventListener("change", (ev) => { receipt.hidden = !ev.currentTarget.checked; });

    // quote asks the server for the price with the typed code and shows it,
    // or the reason the code gives no discount.
    const quote = async () => {
      const q = await api("POST", "/api/v1/orders/quote", {
        offer_id: offer, package_code: pkg, promo_code: promoInput.value.trim(),
        phone: form.querySelector('[name="phone"]').value.trim(),
      });
      total.textContent = money(q.total, q.currency);
      list.hidden = q.discount === 0;
      note.classList.toggle("field-error", !!q.promo_refusal);
      note.textContent = q.promo_refusal ? q.promo_refusal.message : (q.discount ? "−" + money(q.discount, q.currency) : "");
      return q;
    };
    form.querySelector('[data-action="apply-promo"]').addEventListener("click", async () => {
      showError(form, null);
      try { await quote(); } catch (err) { note.textContent = ""; showError(form, err); }
    });

    // One key per page view: a double click or a retry after a lost answer
    // returns the same order instead of placing a second one.
    const key = (crypto.randomUUID && crypto.randomUUID()) || String(Date.now()) + Math.random().toString(16).slice(2);
    onSubmit(form, async (v) => {
      const o = await api("POST", "/api/v1/orders", {
        offer_id: offer, package_code: pkg, first_name: v.first_name, surname: v.surname, phone: v.phone,
        promo_code: promoBox.hidden ? "" : v.promo_code,
        receipt_email: v.need_receipt ? v.receipt_email : "",
        consent: form.querySelector('[name="consent"]').checked,
      }, undefined, { "Idempotency-Key": key });
      location.href = o.payment_url || "/orders/" + o.id;
    });
  }

  // ---- the order's state after the bank -----------------------------------
  const order = document.querySelector('[data-page="order"]');
  if (order && order.dataset.waiting === "true") {
    const status = order.querySelector("[data-status]");
    const show = (which) => order.querySelectorAll("[data-when]").forEach((el) => { el.hidden = el.dataset.when !== which; });
    let tries = 0;
    const poll = async () => {
      tries++;
      try {
        const o = await api("GET", "/api/v1/orders/" + order.dataset.order);
        status.dataset.status = o.status;
        status.textContent = o.status_text;
        if (o.status === "paid") { show("paid"); return; }
        if (o.status !== "created" && o.status !== "pending_payment") { show("failed"); return; }
      } catch (err) { /* a network hiccup: try again */ }
      // Every 2 s for a minute, then every 10 s: banks may take a while.
      setTimeout(poll, tries < 30 ? 2000 : 10000);
    };
    poll();
  }

  // ---- activation (on «Мои услуги» and its own page) ----------------------
  document.querySelectorAll('[data-form="activate"]').forEach((form) => onSubmit(form, async (v) => {
    await api("POST", "/api/v1/certificates/activate", { number: v.number });
    location.href = "/my/services";
  }));

  // ---- transfer -----------------------------------------------------------
  document.querySelectorAll('[data-form="transfer"]').forEach((form) => onSubmit(form, async (v) => {
    if (!window.confirm(form.dataset.confirm)) return;
    await api("POST", "/api/v1/me/certificates/" + encodeURIComponent(form.dataset.number) + "/transfer", { phone: v.phone });
    location.reload();
  }));
})();
