// The live alert panel: server-sent events from /api/alerts/stream, newest on top. Text only (textContent).
"use strict";
(function () {
  const list = document.getElementById("alerts");
  const status = document.getElementById("live-status");
  if (!list || !window.EventSource) return;
  const MAX_SHOWN = 50;
  let opened = false;

  // Local time as YYYY-MM-DD HH:MM:SS, like the page's other times (a left-to-right run, see the CSS).
  function time(value) {
    const when = new Date(value);
    if (isNaN(when)) return value;
    const two = function (number) { return String(number).padStart(2, "0"); };
    return when.getFullYear() + "-" + two(when.getMonth() + 1) + "-" + two(when.getDate()) + " " +
      two(when.getHours()) + ":" + two(when.getMinutes()) + ":" + two(when.getSeconds());
  }

  function show(alert, fresh) {
    const empty = list.querySelector(".empty");
    if (empty) empty.remove();
    const item = document.createElement("li");
    item.className = fresh ? "fresh" : "";
    item.dataset.rule = alert.rule;
    const rule = document.createElement("span");
    rule.className = "rule";
    rule.textContent = alert.rule;
    const link = document.createElement("a");
    link.href = "/story/" + encodeURIComponent(alert.story_id);
    link.textContent = " «" + alert.matched.join("، ") + "»";
    const at = document.createElement("time");
    at.dateTime = alert.fired_at;
    at.textContent = time(alert.fired_at);
    item.append(rule, link, at);
    list.prepend(item);
    while (list.children.length > MAX_SHOWN) list.lastElementChild.remove();
  }

  const source = new EventSource("/api/alerts/stream");
  source.addEventListener("open", function () {
    status.classList.add("on");
    status.title = "متصل";
  });
  source.addEventListener("error", function () {
    status.classList.remove("on");
    status.title = "انقطع الاتصال، إعادة المحاولة…";
  });
  // The first batch is the recent history; what comes after it fired while the page was open.
  source.addEventListener("alert", function (event) {
    show(JSON.parse(event.data), opened);
  });
  setTimeout(function () { opened = true; }, 1500);
}());
