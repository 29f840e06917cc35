/* The hub report's grids at the speed of a spreadsheet (tables marked data-grid):
   - arrow keys move between cells (left/right once the caret is at the edge of the text), Enter moves down and
     Shift+Enter up; Enter never submits the page's form;
   - focusing a cell selects its text, so typing replaces the line's amount;
   - a block copied from Excel (tab-separated columns, one line per row) pasted into a cell fills the cells to the
     right and below; each filled cell fires "change", so htmx saves and checks it on its own and swaps in the cell
     with its status or its error;
   Without JavaScript the grid is a plain form: "Save draft" posts every cell at once. */
(function () {
  "use strict";

  function cellInput(td) {
    return td ? td.querySelector("input.amount-input") : null;
  }

  /* The cell at (row, column) of the grid's body, or null. */
  function cellAt(table, row, col) {
    var rows = table.tBodies[0] ? table.tBodies[0].rows : [];
    if (row < 0 || row >= rows.length) return null;
    var cells = rows[row].cells;
    return col >= 0 && col < cells.length ? cells[col] : null;
  }

  function position(input) {
    var td = input.closest("td");
    var tr = td.parentElement;
    return {table: input.closest("table[data-grid]"), row: tr.sectionRowIndex, col: td.cellIndex};
  }

  /* The next editable cell from a position in a direction, skipping read-only cells (approved lines, totals). */
  function next(input, dRow, dCol) {
    var at = position(input);
    var row = at.row + dRow, col = at.col + dCol;
    for (var i = 0; i < 200; i++) {
      var td = cellAt(at.table, row, col);
      if (!td) return null;
      var target = cellInput(td);
      if (target) return target;
      row += dRow;
      col += dCol;
    }
    return null;
  }

  function move(input, dRow, dCol) {
    var target = next(input, dRow, dCol);
    if (target) {
      target.focus();
      target.select();
    }
    return target;
  }

  function atStart(input) {
    return input.selectionStart === 0 && input.selectionEnd === 0;
  }

  function atEnd(input) {
    return input.selectionStart === input.value.length && input.selectionEnd === input.value.length;
  }

  function wholeSelected(input) {
    return input.value.length > 0 && input.selectionStart === 0 && input.selectionEnd === input.value.length;
  }

  function onKeydown(event) {
    var input = event.target;
    if (!input.matches || !input.matches("table[data-grid] input.amount-input")) return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    switch (event.key) {
      case "Enter":
        event.preventDefault(); // never submit the whole form
        move(input, event.shiftKey ? -1 : 1, 0);
        break;
      case "ArrowDown":
        event.preventDefault();
        move(input, 1, 0);
        break;
      case "ArrowUp":
        event.preventDefault();
        move(input, -1, 0);
        break;
      case "ArrowRight":
        if (atEnd(input) || wholeSelected(input)) {
          event.preventDefault();
          move(input, 0, 1);
        }
        break;
      case "ArrowLeft":
        if (atStart(input) || wholeSelected(input)) {
          event.preventDefault();
          move(input, 0, -1);
        }
        break;
    }
  }

  /* Rows and columns of pasted text: Excel separates columns with tabs and rows with line breaks and ends with
     one line break; a quoted cell ("a""b") is unquoted. */
  function parseBlock(text) {
    var lines = text.replace(/\r\n?/g, "\n").split("\n");
    if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
    return lines.map(function (line) {
      return line.split("\t").map(function (value) {
        value = value.trim();
        if (value.length > 1 && value[0] === '"' && value[value.length - 1] === '"') {
          value = value.slice(1, -1).replace(/""/g, '"');
        }
        return value;
      });
    });
  }

  function say(message) {
    var status = document.getElementById("grid-status");
    if (status) status.textContent = message;
  }

  function fill(input, value) {
    input.value = value;
    input.dispatchEvent(new Event("change", {bubbles: true})); // htmx saves the cell
  }

  function messages() {
    return JSON.parse(document.getElementById("grid-messages").textContent);
  }

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  /* The paste being saved: the ids of the filled cells, how many saves are still out, and what to say at the end. */
  var paste = null;

  function pasteSettled(event) {
    if (!paste || !event.detail.target || !event.detail.target.matches("td.report-cell")) return;
    // htmx fires afterSettle for the cell and for each out-of-band part (totals, pending count): count requests once.
    var xhr = event.detail.xhr;
    if (xhr && paste.seen.indexOf(xhr) !== -1) return;
    if (xhr) paste.seen.push(xhr);
    paste.pending--;
    if (paste.pending > 0) return;
    var errors = paste.ids.filter(function (id) {
      var td = document.getElementById(id + "-td");
      return td && td.classList.contains("has-error");
    }).length;
    var text = messages();
    var values = {filled: paste.ids.length, saved: paste.ids.length - errors, errors: errors, skipped: paste.skipped};
    say(format(text.done, values) + (paste.skipped ? " " + format(text.skipped, values) : ""));
    paste = null;
  }

  function onPaste(event) {
    var input = event.target;
    if (!input.matches || !input.matches("table[data-grid] input.amount-input")) return;
    var data = event.clipboardData || window.clipboardData;
    var text = data ? data.getData("text/plain") || data.getData("text") : "";
    if (text.indexOf("\t") === -1 && text.replace(/\r?\n$/, "").indexOf("\n") === -1) return; // one value: as usual
    event.preventDefault();
    var block = parseBlock(text);
    var start = position(input);
    var targets = [], skipped = 0;
    block.forEach(function (values, r) {
      values.forEach(function (value, c) {
        var target = cellInput(cellAt(start.table, start.row + r, start.col + c));
        if (!target) {
          skipped++;
          return;
        }
        if (target.value !== value) targets.push([target, value]);
      });
    });
    paste = {ids: targets.map(function (t) { return t[0].id; }), pending: targets.length, skipped: skipped, seen: []};
    say(format(messages().saving, {filled: targets.length}));
    // Each cell is saved by its own request (queued on the table by hx-sync), checked on its own, swapped in.
    targets.forEach(function (t) { fill(t[0], t[1]); });
    if (!targets.length) pasteSettled({detail: {target: null}});
    input.focus();
    input.select();
  }

  /* After htmx swaps a cell, the focused input is a new element: give it the focus back. */
  var refocus = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var active = document.activeElement;
    refocus = active && event.detail.target && event.detail.target.contains(active) ? active.id : null;
  });
  document.addEventListener("htmx:afterSettle", pasteSettled);
  document.addEventListener("htmx:afterSettle", function () {
    if (!refocus) return;
    var input = document.getElementById(refocus);
    refocus = null;
    if (input && document.activeElement !== input) input.focus();
  });

  document.addEventListener("keydown", onKeydown);
  document.addEventListener("paste", onPaste);
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("table[data-grid] input.amount-input")) event.target.select();
  });
})();
