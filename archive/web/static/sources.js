// Live indexing progress on /sources: the progress box is fetched again every second and swapped in; when a pass
// finishes the page reloads, so the table's counts follow. Without JavaScript the page refreshes itself instead.
(function () {
  "use strict";
  let box = document.getElementById("progress");
  if (!box || !window.fetch) return;
  const seen = box.dataset.state + "|" + box.dataset.finished;
  async function tick() {
    try {
      const answer = await fetch(box.dataset.src, { credentials: "same-origin", cache: "no-store" });
      if (answer.ok) {
        const holder = document.createElement("template");
        holder.innerHTML = (await answer.text()).trim();
        const fresh = holder.content.firstElementChild;
        if (fresh && fresh.id === "progress") {
          const now = fresh.dataset.state + "|" + fresh.dataset.finished;
          if (fresh.dataset.state !== "indexing" && now !== seen) {
            window.location.reload();
            return;
          }
          box.replaceWith(fresh);
          box = fresh;
        }
      }
    } catch (error) {
      // the archive was stopped or is busy: try again at the next tick
    }
    window.setTimeout(tick, 1000);
  }
  window.setTimeout(tick, 1000);
})();
