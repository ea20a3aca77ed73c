/* The outbox of ratings on the phone (IndexedDB), sent exactly once. Used by the leaders'
 * pages (leader.js) and, imported by the service worker (sw.js), in the background too.
 * Every rating carries its submission id from the moment it is made, so sending it again
 * (after a timeout, a closed browser, a new login) can never count it twice.
 * The two addresses it posts to come from whoever loads it: `RatingQueue.configure`.
 *
 * A shared phone: each queued rating is sealed (AES-GCM) under its leader's own key, which
 * the server hands only to her logged-in session, in the `outbox_key` cookie
 * (rating/survey/outbox.py): "tag.key.end". Without that cookie (logged out, quick exit,
 * session over) the outbox holds ciphertext that nobody on the phone can read; at her next
 * login the same key comes back and what waited is sent. A rating the server refuses is
 * kept (sealed) only until the page has shown it once, with the reason. */
"use strict";

// eslint-disable-next-line no-unused-vars -- the global that leader.js and sw.js use
var RatingQueue = (function () {
  var DB_NAME = "duty-bearer-ratings", VERSION = 1, COOKIE = "outbox_key";
  var urls = { session: null, ratings: null };
  var encoder = new TextEncoder(), decoder = new TextDecoder();

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

  /* ---- the key: only while her session lives on this phone ---- */

  function cookieText() {
    if (self.document) {
      var match = document.cookie.match(/(?:^|;\s*)outbox_key=([^;]*)/);
      return Promise.resolve(match ? decodeURIComponent(match[1]) : null);
    }
    if (self.cookieStore) {  // the service worker has no document.cookie
      return self.cookieStore.get(COOKIE).then(function (cookie) {
        return cookie ? decodeURIComponent(cookie.value) : null;
      });
    }
    return Promise.resolve(null);
  }

  /* The leader's key as a CryptoKey that cannot be exported, or null: no cookie, another
   * leader's cookie, or a session past its end. */
  function keyFor(tag) {
    if (!tag || !self.crypto || !crypto.subtle) return Promise.resolve(null);
    return cookieText().then(function (text) {
      var parts = (text || "").split(".");
      if (parts.length !== 3 || parts[0] !== tag || !/^[0-9a-f]{64}$/.test(parts[1])) return null;
      if (Number(parts[2]) * 1000 < Date.now()) return null;
      var raw = new Uint8Array(parts[1].match(/../g).map(function (h) { return parseInt(h, 16); }));
      return crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
    });
  }

  /* Forget the key on this phone now (logout, quick exit): the outbox stays, unreadable. */
  function forget() {
    if (self.document) {
      document.cookie = COOKIE + "=; Max-Age=0; Path=/; SameSite=Strict" +
        (location.protocol === "https:" ? "; Secure" : "");
      return Promise.resolve();
    }
    return self.cookieStore ? self.cookieStore.delete(COOKIE) : Promise.resolve();
  }

  function boundTo(record) { return encoder.encode(record.submission_id + ":" + record.tag); }

  /* What is stored: the submission id and the tag in clear (to find and send it), the rest
   * sealed; the submission id and tag are bound to the ciphertext, so it cannot be moved. */
  function seal(key, item) {
    var iv = crypto.getRandomValues(new Uint8Array(12));
    var secret = { payload: item.payload, made_at: item.made_at, office_name: item.office_name,
                   score_label: item.score_label, problem: item.problem || null,
                   problem_text: item.problem_text || null };
    var record = { submission_id: item.submission_id, tag: item.tag, iv: iv };
    return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv, additionalData: boundTo(record) },
                                 key, encoder.encode(JSON.stringify(secret)))
      .then(function (sealed) { record.sealed = sealed; return record; });
  }

  function unseal(key, record) {
    if (!record.sealed) return Promise.resolve(null);  // never stored in clear; skip anything else
    return crypto.subtle.decrypt({ name: "AES-GCM", iv: record.iv, additionalData: boundTo(record) },
                                 key, record.sealed)
      .then(function (plain) {
        var secret = JSON.parse(decoder.decode(plain));
        secret.submission_id = record.submission_id;
        secret.tag = record.tag;
        return secret;
      }, function () { return null; });
  }

  /* This leader's queued ratings, oldest first; none when her key is not on the phone. */
  function items(tag) {
    return Promise.all([run("outbox", "readonly", function (s) { return s.getAll(); }),
                        keyFor(tag)]).then(function (both) {
      var key = both[1];
      if (!key) return [];
      var mine = (both[0] || []).filter(function (record) { return record.tag === tag; });
      return Promise.all(mine.map(function (record) {
        if (record.sealed) return unseal(key, record);
        // Written in clear by the outbox before it sealed ratings: sealed now, then sent.
        return put(record).then(function () { return record; }, function () { return record; });
      }));
    }).then(function (all) {
      return all.filter(Boolean).sort(function (a, b) { return a.made_at < b.made_at ? -1 : 1; });
    });
  }

  function session() {
    return fetch(urls.session, { credentials: "same-origin", cache: "no-store", redirect: "error" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .catch(logged("asking who is logged in"));
  }

  /* One sender at a time on the phone, across the page and the worker (Web Locks): a rating
   * the server refuses is then sent once, never twice at the same moment, so the staff's
   * count of late ratings counts ratings, not attempts. */
  function oneSender(task) {
    if (self.navigator && navigator.locks) return navigator.locks.request("rating-outbox", task);
    return task();
  }

  var flushing = null;
  /* Send every queued rating of the leader who is logged in now, oldest first. Resolves to
   * {sent, left, needLogin}. Ratings of other leaders on a shared phone are left alone. */
  function flush() {
    if (flushing) return flushing;
    flushing = oneSender(function () { return session().then(function (info) {
      if (!info || !info.leader_tag) {
        return { sent: 0, left: null, needLogin: true };
      }
      return items(info.leader_tag).then(function (queued) {
        var sent = 0, stop = false;
        return queued.filter(function (item) { return !item.problem; }).reduce(function (chain, item) {
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
    }); }).finally(function () { flushing = null; });
    return flushing;
  }

  /* "done": stored (201), stored before (200) or refused for good (409/422: kept, sealed, as
   * a problem for the page to show once, never sent again); "later": no network, session or
   * token gone, or the service too busy to store it (409 "busy": sent again). */
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
          if (body.error === "busy") return "later";
          item.problem = body.error || String(response.status);
          item.problem_text = body.message || null;
          return put(item).then(function () { return "done"; });
        });
      }
      return "later";
    }).catch(function (error) {
      logged("sending a rating")(error);
      return "later";
    });
  }

  /* Queue (or update) a rating, sealed under its leader's key; refused without the key. */
  function put(item) {
    return keyFor(item.tag).then(function (key) {
      if (!key) throw new Error("no outbox key: not logged in on this phone");
      return seal(key, item);
    }).then(function (record) {
      return run("outbox", "readwrite", function (s) { return s.put(record); });
    });
  }
  function remove(id) { return run("outbox", "readwrite", function (s) { return s.delete(id); }); }
  function setMeta(key, value) {
    return run("meta", "readwrite", function (s) { return s.put({ key: key, value: value }); });
  }
  function getMeta(key) {
    return run("meta", "readonly", function (s) { return s.get(key); })
      .then(function (row) { return row ? row.value : null; });
  }

  return { configure: configure, put: put, remove: remove, items: items, flush: flush,
           send: send, setMeta: setMeta, getMeta: getMeta, logged: logged, forget: forget };
})();
