// The catalogue's pages: the carousels' arrows and the review form. The
// pages work without it — a carousel is a list that scrolls sideways by
// itself, a review needs the API — so this only adds to them. Texts come
// from the server (the page or the API's localised errors).
"use strict";

(function () {
  // ---- carousels ----------------------------------------------------------
  // The arrows (seed 000, fig. 2 and 4; seed 002, fig. 2 and 4) are shown
  // only when the list overflows, and each is disabled at its end.
  const reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  document.querySelectorAll("[data-carousel]").forEach((box) => {
    const track = box.querySelector(".carousel-track");
    const buttons = box.querySelector("[data-carousel-buttons]");
    const prev = box.querySelector("[data-carousel-prev]");
    const next = box.querySelector("[data-carousel-next]");
    if (!track || !buttons || !prev || !next) return;
    // A few pixels of slack: snapping and the track's padding leave the
    // ends a pixel or two off zero and the maximum.
    const slack = 4;
    const update = () => {
      const max = track.scrollWidth - track.clientWidth;
      buttons.hidden = max <= slack;
      prev.disabled = track.scrollLeft <= slack;
      next.disabled = track.scrollLeft >= max - slack;
    };
    // One step is one card and the gap after it, so a card never stops
    // half-shown (the track snaps to cards too).
    const step = (dir) => {
      const slide = track.querySelector(".carousel-slide");
      const gap = parseFloat(getComputedStyle(track).columnGap) || 0;
      const by = slide ? slide.getBoundingClientRect().width + gap : track.clientWidth * 0.8;
      track.scrollBy({ left: dir * by, behavior: reduceMotion ? "auto" : "smooth" });
    };
    prev.addEventListener("click", () => step(-1));
    next.addEventListener("click", () => step(1));
    track.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update);
    update();
  });

  // ---- reviews --------------------------------------------------------------
  // A signed-in customer's review of a specialist or a package goes to the
  // tenant admin's moderation; nothing shows until they publish it.
  const P = window.platform;
  if (!P) return;
  document.querySelectorAll('[data-form="review"]').forEach((form) => {
    P.onSubmit(form, async (v) => {
      const body = { author_name: v.author_name, rating: Number(v.rating), text: v.text };
      if (form.dataset.specialist) {
        body.specialist = form.dataset.specialist;
      } else if (form.dataset.offer) {
        body.offer_id = form.dataset.offer;
        body.package_code = form.dataset.package;
      }
      await P.api("POST", "/api/v1/catalog/reviews", body);
      form.querySelector('[name="text"]').value = "";
      P.ok(form, true);
    });
  });
})();
