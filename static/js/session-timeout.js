/*
 * Warn before an idle session is signed out (apps/accounts/middleware.py), without libraries.
 *
 * The server decides: this script only counts down from the seconds the page was given, asks the
 * server again before warning (another tab may have kept the session alive; that question does not
 * count as activity), and shows a dialog SESSION_IDLE_WARNING seconds before the end with "Stay
 * signed in" (an explicit keep-alive request) and "Sign out". When the time is up it goes to the
 * login page, which tells the person why they were signed out.
 *
 * Accessibility: the dialog is modal (role="alertdialog"), focus moves to "Stay signed in" and
 * returns where it was; Escape counts as "Stay signed in". The countdown is read out through a
 * polite live region every 30 seconds and at 10 seconds, not every second.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var dialog = document.getElementById("session-timeout");
  if (!script || !dialog) {
    return;
  }
  var data = script.dataset;
  var warningMs = Number(data.warning) * 1000;
  var deadline = Date.now() + Number(data.remaining) * 1000;
  var countdown = dialog.querySelector("[data-session-countdown]");
  var announce = dialog.querySelector("[data-session-announce]");
  var stayButton = dialog.querySelector("[data-session-stay]");
  var timer = null;
  var ticker = null;
  var returnFocusTo = null;

  function secondsLeft() {
    return Math.max(0, Math.round((deadline - Date.now()) / 1000));
  }

  function formatTime(seconds) {
    var s = seconds % 60;
    return Math.floor(seconds / 60) + ":" + (s < 10 ? "0" : "") + s;
  }

  function goToLogin(loginUrl) {
    var here = window.location.pathname + window.location.search;
    var url = loginUrl || data.loginUrl;
    window.location.assign(url + (url.indexOf("?") === -1 ? "?" : "&") + "next=" + encodeURIComponent(here));
  }

  function request(url, options) {
    options.credentials = "same-origin";
    options.headers = Object.assign({ Accept: "application/json" }, options.headers || {});
    return fetch(url, options).then(function (response) {
      if (response.status === 401 || response.status === 403) {
        return { signed_in: false };
      }
      if (!response.ok) {
        throw new Error("session check failed: " + response.status);
      }
      return response.json();
    });
  }

  function applyState(state) {
    if (!state.signed_in) {
      goToLogin(state.login_url);
      return false;
    }
    if (typeof state.remaining === "number") {
      deadline = Date.now() + state.remaining * 1000;
    }
    return true;
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(beforeWarning, Math.max(0, deadline - warningMs - Date.now()));
  }

  function beforeWarning() {
    request(data.statusUrl, { method: "GET" })
      .then(function (state) {
        if (!applyState(state)) {
          return;
        }
        if (deadline - Date.now() > warningMs + 1000) {
          schedule(); // another tab was active meanwhile
        } else {
          openDialog();
        }
      })
      .catch(openDialog); // the server cannot be asked: warn anyway, it is the safer mistake
  }

  function tick() {
    var left = secondsLeft();
    countdown.textContent = formatTime(left);
    if (left % 30 === 0 || left === 10) {
      announce.textContent = announce.dataset.label + " " + formatTime(left);
    }
    if (left <= 0) {
      expire();
    }
  }

  function openDialog() {
    if (dialog.open) {
      return;
    }
    returnFocusTo = document.activeElement;
    if (typeof dialog.showModal === "function") {
      dialog.showModal();
    } else {
      dialog.setAttribute("open", "");
    }
    stayButton.focus();
    announce.textContent = announce.dataset.label + " " + formatTime(secondsLeft());
    tick();
    ticker = window.setInterval(tick, 1000);
  }

  function closeDialog() {
    window.clearInterval(ticker);
    if (dialog.open) {
      if (typeof dialog.close === "function") {
        dialog.close();
      } else {
        dialog.removeAttribute("open");
      }
    }
    announce.textContent = "";
    if (returnFocusTo && typeof returnFocusTo.focus === "function") {
      returnFocusTo.focus();
    }
  }

  function expire() {
    window.clearInterval(ticker);
    // Another tab may have kept the session alive: the server has the last word. When it says the
    // time is up it has signed the session out, and applyState goes to the login page.
    request(data.statusUrl, { method: "GET" })
      .then(function (state) {
        if (!applyState(state)) {
          return;
        }
        if (deadline - Date.now() > warningMs) {
          closeDialog();
          schedule();
        } else if (secondsLeft() > 0) {
          ticker = window.setInterval(tick, 1000);
        } else {
          window.setTimeout(expire, 1000); // within the last second: ask again
        }
      })
      .catch(function () {
        goToLogin();
      });
  }

  function staySignedIn() {
    request(data.keepAliveUrl, { method: "POST", headers: { "X-CSRFToken": data.csrfToken } })
      .then(function (state) {
        if (applyState(state)) {
          closeDialog();
          schedule();
        }
      })
      .catch(function () {
        goToLogin();
      });
  }

  stayButton.addEventListener("click", staySignedIn);
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault(); // Escape: the person is here, so they stay signed in
    staySignedIn();
  });
  schedule();
})();
