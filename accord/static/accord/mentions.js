/* @mention completion in comment boxes (textarea[data-mentions] inside a form[data-people-url]).
   Typing "@" and the start of a name or e-mail asks the item's people endpoint, which answers only
   people who may see the item; choosing one writes "@Full Name ". No inline script (CSP). */
(function () {
  "use strict";

  function mentionAt(text, caret) {
    // the "@..." that ends at the caret: an "@" at the start or after a non-word character
    var at = text.lastIndexOf("@", caret - 1);
    if (at < 0 || (at > 0 && /[\w.%+-]/.test(text.charAt(at - 1)))) return null;
    var typed = text.slice(at + 1, caret);
    if (typed.length > 40 || /[\n@]/.test(typed) || /\s\S*\s\S*\s/.test(typed)) return null;
    return { start: at, typed: typed };
  }

  function setUp(box) {
    var form = box.closest("form[data-people-url]");
    if (!form) return;
    var url = form.getAttribute("data-people-url");
    var list = document.createElement("div");
    list.className = "list-group mention-list d-none";
    list.setAttribute("role", "listbox");
    list.setAttribute("data-testid", "mention-list");
    box.insertAdjacentElement("afterend", list);
    var current = null;
    var asked = 0;

    function hide() {
      list.classList.add("d-none");
      list.replaceChildren();
      current = null;
    }

    function choose(name) {
      if (!current) return;
      var text = box.value;
      var before = text.slice(0, current.start) + "@" + name + " ";
      box.value = before + text.slice(box.selectionStart);
      box.focus();
      box.setSelectionRange(before.length, before.length);
      hide();
    }

    function show(people) {
      list.replaceChildren();
      if (!people.length) return hide();
      people.forEach(function (person) {
        var option = document.createElement("button");
        option.type = "button";
        option.className = "list-group-item list-group-item-action py-1";
        option.setAttribute("role", "option");
        option.textContent = person.name + " <" + person.email + ">";
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(person.name);
        });
        list.appendChild(option);
      });
      list.classList.remove("d-none");
    }

    box.addEventListener("input", function () {
      var found = mentionAt(box.value, box.selectionStart);
      if (!found) return hide();
      current = found;
      var ticket = ++asked;
      fetch(url + "?q=" + encodeURIComponent(found.typed), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.ok ? response.json() : { people: [] };
        })
        .then(function (data) {
          if (ticket === asked && current) show(data.people || []);
        })
        .catch(hide);
    });
    box.addEventListener("keydown", function (event) {
      if (list.classList.contains("d-none")) return;
      if (event.key === "Escape") {
        hide();
      } else if (event.key === "Enter" || event.key === "Tab") {
        var first = list.querySelector("button");
        if (first) {
          event.preventDefault();
          first.dispatchEvent(new MouseEvent("mousedown"));
        }
      }
    });
    box.addEventListener("blur", function () {
      window.setTimeout(hide, 150);
    });
  }

  document.querySelectorAll("textarea[data-mentions]").forEach(setUp);
})();
