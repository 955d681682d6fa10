/* greenroom chat: a conversation over POST /api/chat (cookie sign-in + X-CSRF-Token).
 * The session id lives in the URL (?session=…) so a reload shows the conversation. */
(function () {
  "use strict";

  var form = document.getElementById("ask");
  var input = document.getElementById("question");
  var list = document.getElementById("conversation");
  var button = form ? form.querySelector('button[type="submit"]') : null;
  if (!form || !input || !list) return;

  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";
  var sessionId = new URLSearchParams(window.location.search).get("session");
  var turns = 0;
  var busy = false;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function rememberSession(id) {
    if (!id || id === sessionId) return;
    sessionId = id;
    var url = new URL(window.location.href);
    url.searchParams.set("session", id);
    window.history.replaceState(null, "", url.toString());
  }

  function newTurn(question) {
    turns += 1;
    var li = el("li", "turn");
    li.dataset.turn = String(turns);
    li.appendChild(el("p", "question", question));
    var reply = el("div", "reply pending", "Thinking…");
    li.appendChild(reply);
    list.appendChild(li);
    return { li: li, reply: reply };
  }

  function showError(turn, message) {
    turn.reply.className = "reply error";
    turn.reply.textContent = "";
    turn.reply.appendChild(el("p", "answer", message));
    turn.li.dataset.state = "error";
  }

  function showAnswer(turn, question, body) {
    var reply = turn.reply;
    reply.className = "reply";
    reply.textContent = "";
    reply.dataset.kind = body.kind || "answer";
    reply.appendChild(el("p", "answer", body.answer || ""));
    if (body.interpretation) {
      reply.appendChild(el("p", "interpretation", "Understood as: " + body.interpretation));
    }
    var result = body.result;
    var hasRows = result && result.columns && result.columns.length > 0;
    var hasChart = body.chart && body.chart.data && body.chart.data.length > 0;
    var block = null;
    if (hasRows || hasChart) {
      block = window.greenroom.makeChartBlock(question, {
        figure: hasChart ? body.chart : null,
        columns: hasRows ? result.columns : [],
        rows: hasRows ? result.rows : [],
        filename: "answer-" + turn.li.dataset.turn + ".csv",
      });
      reply.appendChild(block.element);
    }
    if (body.sql) {
      var details = el("details", "sql");
      details.appendChild(el("summary", null, "SQL"));
      details.appendChild(el("pre", null, body.sql));
      reply.appendChild(details);
    }
    if (body.suggestions && body.suggestions.length) {
      var box = el("div", "suggestions");
      box.setAttribute("role", "group");
      box.setAttribute("aria-label", "Suggested questions");
      body.suggestions.forEach(function (s) {
        var b = el("button", "secondary", s);
        b.type = "button";
        b.addEventListener("click", function () {
          ask(s);
        });
        box.appendChild(b);
      });
      reply.appendChild(box);
    }
    turn.li.dataset.state = "done";
    if (block) block.start();
  }

  function errorText(response, body) {
    if (body && body.error_message) return body.error_message;
    return "The server answered " + response.status + "; please try again.";
  }

  function ask(question) {
    question = (question || "").trim();
    if (!question || busy) return;
    busy = true;
    if (button) button.disabled = true;
    var turn = newTurn(question);
    turn.li.scrollIntoView({ block: "end" });
    fetch("/api/chat", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, Accept: "application/json" },
      body: JSON.stringify({ message: question, session_id: sessionId }),
    })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return null;
          })
          .then(function (body) {
            if (!response.ok || !body) {
              showError(turn, errorText(response, body));
              return;
            }
            rememberSession(body.session_id);
            showAnswer(turn, question, body);
          });
      })
      .catch(function () {
        showError(turn, "The server could not be reached; check the connection and try again.");
      })
      .then(function () {
        busy = false;
        if (button) button.disabled = false;
        input.focus();
      });
  }

  function loadHistory(id) {
    fetch("/api/chat/sessions/" + encodeURIComponent(id), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) {
            var turn = newTurn("(earlier conversation)");
            showError(turn, errorText(response, body));
            sessionId = null;
            return;
          }
          body.turns.forEach(function (t) {
            if (!t.message) return;
            var turn = newTurn(t.message);
            showAnswer(turn, t.message, { kind: t.kind, answer: t.answer || "" });
          });
        });
      })
      .catch(function () {
        sessionId = null;
      })
      .then(function () {
        list.dataset.history = "loaded";
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var question = input.value;
    input.value = "";
    ask(question);
  });

  document.querySelectorAll("[data-ask]").forEach(function (b) {
    b.addEventListener("click", function () {
      ask(b.getAttribute("data-ask"));
    });
  });

  if (sessionId) {
    loadHistory(sessionId);
  } else {
    list.dataset.history = "none";
  }
})();
