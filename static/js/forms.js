/* Friendlier forms (no inline script: loaded with <script src defer> from base.html).
   - A slug field (data-slug-from="id_name") follows the name as it is typed, until the reader edits the slug
     itself; the server makes the same slug from the name when the field is sent empty (smartindustry/forms.py).
   - After a refused save, focus goes to the first field with an error (the server also marks it autofocus, for
     browsers without JavaScript); the links of the error summary focus their field. */
(function () {
  "use strict";

  function slugify(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9\s_-]/g, "").trim().replace(/[\s_-]+/g, "-").replace(/^-+|-+$/g, "");
  }

  function followName(slug) {
    var source = document.getElementById(slug.dataset.slugFrom);
    if (!source) return;
    // A slug that already differs from the name's (an existing record) is the reader's choice: leave it.
    var automatic = slug.value === "" || slug.value === slugify(source.value);
    source.addEventListener("input", function () {
      if (automatic) slug.value = slugify(source.value);
    });
    slug.addEventListener("input", function () {
      automatic = slug.value === "";
    });
  }

  function focusFirstError() {
    var summary = document.getElementById("error-summary");
    if (!summary) return;
    var first = document.querySelector("[aria-invalid=true]");
    (first || summary).focus();
    summary.querySelectorAll("a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var target = document.getElementById(link.getAttribute("href").slice(1));
        if (target) {
          event.preventDefault();
          target.focus();
          target.scrollIntoView({block: "center"});
        }
      });
    });
  }

  function autoSubmit() {
    // The page-size choice of a list: changing it shows the list at that size (its button stays for no-JS use).
    document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-slug-from]").forEach(followName);
    focusFirstError();
    autoSubmit();
  });
})();
