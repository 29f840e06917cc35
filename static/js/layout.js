/* Layout helpers, no inline script (loaded with <script src defer> from base.html).
   - The header's menu on a phone: the button shows and hides the navigation. Without JavaScript the button stays
     hidden and the navigation stays open (stacked), so every link remains reachable.
   - A table wider than its card scrolls inside its .table-wrap; such a wrapper becomes focusable (and a named
     region) so that keyboard users can scroll it too (WCAG 2.1.1; axe-core's scrollable-region-focusable). */
(function () {
  "use strict";
  function scrollableTables() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      if (scrolls && !wrap.hasAttribute("tabindex")) {
        var table = wrap.querySelector("table");
        var caption = table && table.querySelector("caption");
        var section = wrap.closest("section[aria-labelledby]");
        var heading = section && document.getElementById(section.getAttribute("aria-labelledby"));
        var name = (caption && caption.textContent.trim()) || (heading && heading.textContent.trim()) || "";
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        if (name) wrap.setAttribute("aria-label", name);
        wrap.dataset.scrollable = "1";
      } else if (!scrolls && wrap.dataset.scrollable) {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
        delete wrap.dataset.scrollable;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", scrollableTables);
  window.addEventListener("resize", scrollableTables);
  document.addEventListener("htmx:afterSwap", scrollableTables);

  document.addEventListener("DOMContentLoaded", function () {
    var header = document.querySelector(".site-header");
    var button = header && header.querySelector(".menu-toggle");
    var menu = document.getElementById("site-menu");
    if (!button || !menu) return;
    header.classList.add("collapsible");
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      header.classList.toggle("open", open);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && header.classList.contains("open")) {
        header.classList.remove("open");
        button.setAttribute("aria-expanded", "false");
        button.focus();
      }
    });
  });
})();
