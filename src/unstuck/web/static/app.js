// Unstuck: drag a card to another column to move its stage, and copy buttons for drafts.
// The stage select on each card does the same from the keyboard.
(function () {
  "use strict";
  var csrf = function () { return document.body.dataset.csrf || ""; };

  function moveCard(card, stage) {
    var body = new URLSearchParams({ stage: stage, csrf: csrf() });
    return fetch("/deals/" + encodeURIComponent(card.dataset.deal) + "/stage", {
      method: "POST", body: body, headers: { "HX-Request": "true", "X-CSRF-Token": csrf() }
    }).then(function (r) {
      if (!r.ok) { return r.text().then(function (t) { document.getElementById("alerts").innerHTML = t; throw new Error("move failed"); }); }
      var select = card.querySelector("select[name=stage]");
      if (select) { select.value = stage; }
    });
  }

  document.addEventListener("dragstart", function (e) {
    var card = e.target.closest && e.target.closest(".card");
    if (!card) { return; }
    card.classList.add("dragging");
    e.dataTransfer.setData("text/plain", card.dataset.deal);
    e.dataTransfer.effectAllowed = "move";
  });
  document.addEventListener("dragend", function (e) {
    var card = e.target.closest && e.target.closest(".card");
    if (card) { card.classList.remove("dragging"); }
    document.querySelectorAll(".column.drop").forEach(function (c) { c.classList.remove("drop"); });
  });
  document.addEventListener("dragover", function (e) {
    var column = e.target.closest && e.target.closest(".column");
    if (!column) { return; }
    e.preventDefault();
    column.classList.add("drop");
  });
  document.addEventListener("dragleave", function (e) {
    var column = e.target.closest && e.target.closest(".column");
    if (column && !column.contains(e.relatedTarget)) { column.classList.remove("drop"); }
  });
  document.addEventListener("drop", function (e) {
    var column = e.target.closest && e.target.closest(".column");
    if (!column) { return; }
    e.preventDefault();
    column.classList.remove("drop");
    var id = e.dataTransfer.getData("text/plain");
    var card = document.querySelector('.card[data-deal="' + CSS.escape(id) + '"]');
    if (!card || card.closest(".column") === column) { return; }
    var list = column.querySelector(".cards");
    list.insertBefore(card, list.firstChild);
    moveCard(card, column.dataset.stage).catch(function () { location.reload(); });
  });

  // Moving with the select: put the card in its new column too.
  document.addEventListener("htmx:afterRequest", function (e) {
    var form = e.detail.elt;
    if (!form.classList || !form.classList.contains("stage-form") || !e.detail.successful) { return; }
    var card = form.closest(".card");
    var stage = form.querySelector("select").value;
    var list = document.querySelector('.cards[data-stage="' + CSS.escape(stage) + '"]');
    if (card && list) { list.insertBefore(card, list.firstChild); card.querySelector("select").focus(); }
  });

  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("button.copy");
    if (!button) { return; }
    var text = document.getElementById(button.dataset.copy).innerText;
    var done = function () { button.textContent = "Copied"; setTimeout(function () { button.textContent = "Copy draft"; }, 1500); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done);
    } else {
      var area = document.createElement("textarea");
      area.value = text; document.body.appendChild(area); area.select();
      document.execCommand("copy"); area.remove(); done();
    }
  });
})();
