// unspin report: passage navigation and exports. Writes no markup: text goes in through
// textContent only, so nothing from a document can ever run here.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("unspin-data").textContent);
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.comparison"));
  var position = document.getElementById("position");
  var active = 0;
  var current = sections.map(function () { return 0; });

  function anchor(section, side, number) {
    return document.getElementById(section.id + "-" + side + "-p" + number);
  }

  function scrollPane(section, side, number) {
    var box = document.getElementById(section.id + "-" + side);
    var target = anchor(section, side, number);
    if (!box || !target) { return; }
    // Marks sit directly in the (position: relative) text box: offsetTop is inside it.
    box.scrollTop = Math.max(0, target.offsetTop - box.clientHeight / 4);
  }

  function showPosition() {
    var section = sections[active];
    if (!section) { position.textContent = "no passages"; return; }
    var count = Number(section.getAttribute("data-passages"));
    var number = current[active];
    position.textContent = count === 0 ? "no passages"
      : number === 0 ? count + (count === 1 ? " passage" : " passages")
      : "passage " + number + " of " + count;
  }

  function go(index, number, fromSide) {
    var section = sections[index];
    var count = Number(section.getAttribute("data-passages"));
    if (!count) { return; }
    number = Math.min(Math.max(number, 1), count);
    var marks = section.querySelectorAll("mark.p");
    for (var i = 0; i < marks.length; i++) {
      var on = Number(marks[i].getAttribute("data-p")) === number;
      marks[i].classList.toggle("current", on);
    }
    ["s", "r"].forEach(function (side) {
      if (side !== fromSide) { scrollPane(section, side, number); }
    });
    current[index] = number;
    showPosition();
  }

  function select(index) {
    active = index;
    sections.forEach(function (section, i) { section.classList.toggle("inactive", i !== index); });
    var tabs = document.querySelectorAll(".tabs [data-tab]");
    for (var i = 0; i < tabs.length; i++) {
      tabs[i].setAttribute("aria-selected", Number(tabs[i].getAttribute("data-tab")) === index ? "true" : "false");
    }
    showPosition();
  }

  function download(kind) {
    var item = data.exports[kind];
    var url = URL.createObjectURL(new Blob([item.text], { type: item.type + ";charset=utf-8" }));
    var link = document.createElement("a");
    link.href = url;
    link.download = item.name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  function sectionIndexOf(node) {
    var section = node.closest("section.comparison");
    return section ? sections.indexOf(section) : -1;
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) { return; }
    var mark = target.closest("mark.p");
    var index = mark ? sectionIndexOf(mark) : -1;
    if (mark && index >= 0) {
      var pane = mark.closest(".pane");
      go(index, Number(mark.getAttribute("data-p")), pane ? pane.getAttribute("data-side") : undefined);
      return;
    }
    var button = target.closest("button");
    if (!button) { return; }
    if (button.hasAttribute("data-tab")) {
      select(Number(button.getAttribute("data-tab")));
      sections[active].scrollIntoView({ block: "start" });
    } else if (button.hasAttribute("data-nav")) {
      if (sections.length) {
        go(active, current[active] + (button.getAttribute("data-nav") === "next" ? 1 : -1));
      }
    } else if (button.hasAttribute("data-export")) {
      download(button.getAttribute("data-export"));
    } else if (button.classList.contains("go")) {
      index = sectionIndexOf(button);
      if (index >= 0) {
        go(index, Number(button.getAttribute("data-p")));
        sections[index].querySelector(".panes").scrollIntoView({ block: "start" });
      }
    }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (event.altKey || event.ctrlKey || event.metaKey || !sections.length) { return; }
    if (target && target.closest("input, textarea, select")) { return; }
    if (target && target.matches("mark.p") && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      target.click();
    } else if (event.key === "n" || event.key === "j") {
      go(active, current[active] + 1);
    } else if (event.key === "p" || event.key === "k") {
      go(active, current[active] - 1);
    }
  });

  select(0);
})();
