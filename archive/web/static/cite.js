// "Copy citation" on an article page: each button copies the text of the element it names to the clipboard.
// Without JavaScript the buttons stay hidden and the citations are plain, selectable text.
(function () {
  "use strict";
  const status = document.querySelector(".cite .copied");
  function said(text) {
    if (status) status.textContent = text;
  }
  function selectText(element) {
    const range = document.createRange();
    range.selectNodeContents(element);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    button.hidden = false;
    button.addEventListener("click", async function () {
      try {
        await navigator.clipboard.writeText(source.textContent);
        said(button.textContent.replace("Copy", "Copied") + ".");
      } catch (error) {
        selectText(source); // no clipboard (an insecure address, a refusal): select it for Ctrl+C instead
        said("Selected: press Ctrl+C (⌘C) to copy.");
      }
    });
  });
})();
