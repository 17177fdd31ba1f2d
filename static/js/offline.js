/* Lingyan's offline queue for phone forms (grid incidents, service requests, …).

   Contract with the server:
   - the form carries the attribute `data-offline` and a hidden `<input name="client_key">`;
     the script fills it with a random key when the page renders it empty;
   - the server treats (submitter, client_key) as one submission: a second POST with the same
     key creates nothing and redirects to what the first one created.

   What the script does: a marked form is sent with fetch. When the network fails (or the
   phone knows it is offline), the form's fields and files are kept in IndexedDB on the phone
   and the page says so; they are sent again when the network returns (the `online` event),
   on every later page load that includes this script, and every 30 seconds while entries
   wait. An entry leaves the queue once the server has answered anything at all: the key makes
   a repeat harmless, so "exactly once" is the server's unique key plus never dropping an
   entry the server has not seen. A reply that is not a redirect (a form refused with its
   errors) is shown as the page, so nothing typed is lost; so is the page a success redirects
   to, with its confirmation. When queued entries are sent, 「暂存的…已发送」 is shown. No framework; about 3 KB. */
(function () {
  "use strict";
  var DB = "lingyan-offline", STORE = "outbox";

  function randomKey() {
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "key" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode), result;
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
        result = work(tx.objectStore(STORE));
      });
    });
  }

  function entries() {
    return withStore("readonly", function (store) {
      var all = [];
      store.openCursor().onsuccess = function (event) {
        var cursor = event.target.result;
        if (cursor) { all.push(cursor.value); cursor.continue(); }
      };
      return all;
    });
  }

  function toEntry(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      // An untouched file input gives an empty, nameless file: not something to send.
      if (value instanceof Blob && !value.size && !value.name) return;
      fields.push([name, value]);
    });
    return {
      key: form.elements.client_key.value,
      action: form.action,
      title: form.getAttribute("data-offline") || document.title,
      saved: new Date().toISOString(),
      fields: fields,
    };
  }

  function toFormData(entry) {
    var data = new FormData();
    entry.fields.forEach(function (field) {
      if (field[1] instanceof Blob) data.append(field[0], field[1], field[1].name || "photo");
      else data.append(field[0], field[1]);
    });
    return data;
  }

  function post(entry) {
    return fetch(entry.action, {
      method: "POST", body: toFormData(entry), credentials: "same-origin",
      headers: { "X-Lingyan-Offline": "1" },
    });
  }

  function showWaiting(count) {
    var box = document.getElementById("offline-status");
    if (!box) {
      box = document.createElement("div");
      box.id = "offline-status";
      box.setAttribute("role", "status");
      box.className = "offline-status";
      (document.querySelector("main") || document.body).prepend(box);
    }
    box.hidden = !count;
    var english = (document.documentElement.lang || "").slice(0, 2) === "en";
    box.textContent = !count ? "" : english
      ? count + " submission(s) kept on this phone; they will be sent when the network returns. Do not submit them again."
      : "有 " + count + " 条内容暂存在本机，联网后会自动发送，请勿重复提交。";
  }

  // 「暂存的事件已发送」: the page's own translated box (#offline-sent) when it has one, or a
  // line of our own on any other page the queue is flushed from.
  function showSent(count) {
    var box = document.getElementById("offline-sent");
    if (!box) {
      box = document.createElement("div");
      box.id = "offline-sent";
      box.className = "messages";
      var english = (document.documentElement.lang || "").slice(0, 2) === "en";
      box.innerHTML = '<ul class="messages"><li></li></ul>';
      box.querySelector("li").textContent = english
        ? count + " kept submission(s) sent." : "暂存的 " + count + " 条内容已发送。";
      (document.querySelector("main") || document.body).prepend(box);
    }
    box.setAttribute("role", "status");
    box.hidden = false;
  }

  var flushing = false;
  function flush() {
    if (flushing || !navigator.onLine) return Promise.resolve();
    flushing = true;
    var sent = 0;
    return entries().then(function (all) {
      return all.reduce(function (chain, entry) {
        return chain.then(function () {
          return post(entry).then(function () {
            sent += 1;
            return withStore("readwrite", function (store) { store.delete(entry.key); });
          }, function () { /* still offline: the entry stays */ });
        });
      }, Promise.resolve());
    }).then(entries).then(function (left) {
      showWaiting(left.length);
      if (sent) showSent(sent);
    }).catch(function () {}).then(function () { flushing = false; });
  }

  function keep(form) {
    return withStore("readwrite", function (store) { store.put(toEntry(form)); })
      .then(entries).then(function (all) {
        showWaiting(all.length);
        form.reset();
        form.elements.client_key.value = randomKey();
        window.scrollTo(0, 0);
      });
  }

  function submit(event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-offline")) return;
    // A search button of the form (formmethod=get: the no-JavaScript fallback) is no submission.
    if (event.submitter && (event.submitter.getAttribute("formmethod") || "").toLowerCase() === "get") return;
    event.preventDefault();
    var button = form.querySelector("[type=submit]");
    if (button) button.disabled = true;
    var entry = toEntry(form);
    var done = function () { if (button) button.disabled = false; };
    if (!navigator.onLine) { keep(form).then(done, done); return; }
    post(entry).then(function (response) {
      // The page the server redirected to was fetched already, with its one-time message
      // (「事件已上报，编号 …」): show that page rather than load it again without the message.
      return response.text().then(function (html) {
        document.open(); document.write(html); document.close();
        if (response.redirected) window.history.replaceState(null, "", response.url);
      });
    }, function () { return keep(form); }).then(done, done);
  }

  function prepare() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-offline]"), function (form) {
      if (form.elements.client_key && !form.elements.client_key.value) form.elements.client_key.value = randomKey();
    });
    if (window.indexedDB) flush();
  }

  if (!window.indexedDB || !window.fetch) return; // the forms then post the ordinary way
  document.addEventListener("submit", submit);
  window.addEventListener("online", flush);
  setInterval(function () { if (navigator.onLine) entries().then(function (all) { if (all.length) flush(); }); }, 30000);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", prepare);
  else prepare();
})();
