/* The outbox of ratings on the phone (IndexedDB), sent exactly once. Used by the leaders'
 * pages (leader.js) and, imported by the service worker (sw.js), in the background too.
 * Every rating carries its submission id from the moment it is made, so sending it again
 * (after a timeout, a closed browser, a new login) can never count it twice.
 * The two addresses it posts to come from whoever loads it: `RatingQueue.configure`. */
"use strict";

// eslint-disable-next-line no-unused-vars -- the global that leader.js and sw.js use
var RatingQueue = (function () {
  var DB_NAME = "duty-bearer-ratings", VERSION = 1;
  var urls = { session: null, ratings: null };

  /* A failure that leaves nothing to do but try again later (no network, no storage):
   * noted in the console, never silently swallowed. */
  function logged(what) {
    return function (error) {
      if (self.console) console.warn("rating outbox: " + what + ": " + (error && error.message || error));
      return null;
    };
  }

  function configure(addresses) {
    urls = { session: addresses.session, ratings: addresses.ratings };
  }

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        db.createObjectStore("outbox", { keyPath: "submission_id" });
        db.createObjectStore("meta", { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(store, mode, action) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode), result;
        var request = action(tx.objectStore(store));
        if (request) request.onsuccess = function () { result = request.result; };
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function items(tag) {
    return run("outbox", "readonly", function (s) { return s.getAll(); }).then(function (all) {
      return (all || []).filter(function (item) { return item.tag === tag; })
        .sort(function (a, b) { return a.made_at < b.made_at ? -1 : 1; });
    });
  }

  function session() {
    return fetch(urls.session, { credentials: "same-origin", cache: "no-store", redirect: "error" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .catch(logged("asking who is logged in"));
  }

  var flushing = null;
  /* Send every queued rating of the leader who is logged in now, oldest first. Resolves to
   * {sent, left, needLogin}. Ratings of other leaders on a shared phone are left alone. */
  function flush() {
    if (flushing) return flushing;
    flushing = session().then(function (info) {
      if (!info || !info.leader_tag) {
        return { sent: 0, left: null, needLogin: true };
      }
      return items(info.leader_tag).then(function (queued) {
        var sent = 0, stop = false;
        return queued.reduce(function (chain, item) {
          return chain.then(function () {
            if (stop) return;
            return send(item, info.csrf_token).then(function (outcome) {
              if (outcome === "done") sent += 1;
              else stop = true;
            });
          });
        }, Promise.resolve()).then(function () {
          return items(info.leader_tag).then(function (left) {
            return { sent: sent, left: left.length, needLogin: false };
          });
        });
      });
    }).finally(function () { flushing = null; });
    return flushing;
  }

  /* "done": stored (201), stored before (200) or refused for good (409/422, kept as a
   * problem to show); "later": no network, session or token gone - try again later. */
  function send(item, token) {
    return fetch(urls.ratings, {
      method: "POST", credentials: "same-origin", cache: "no-store", redirect: "error",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(item.payload),
    }).then(function (response) {
      if (response.status === 200 || response.status === 201) {
        return remove(item.submission_id).then(function () { return "done"; });
      }
      if (response.status === 409 || response.status === 422) {
        return response.json().then(function (body) {
          item.problem = body.message || String(response.status);
          return put(item);
        }).then(function () { return "done"; });
      }
      return "later";
    }).catch(function (error) {
      logged("sending a rating")(error);
      return "later";
    });
  }

  function put(item) { return run("outbox", "readwrite", function (s) { return s.put(item); }); }
  function remove(id) { return run("outbox", "readwrite", function (s) { return s.delete(id); }); }
  function setMeta(key, value) {
    return run("meta", "readwrite", function (s) { return s.put({ key: key, value: value }); });
  }
  function getMeta(key) {
    return run("meta", "readonly", function (s) { return s.get(key); })
      .then(function (row) { return row ? row.value : null; });
  }

  return { configure: configure, put: put, remove: remove, items: items, flush: flush,
           send: send, setMeta: setMeta, getMeta: getMeta, logged: logged };
})();
