/* Service worker of the leaders' pages: the app shell and the office list for offline use,
 * and sending queued ratings in the background. Pages with a person's data are never cached. */
"use strict";
importScripts("/static/js/leader.js");

// The server writes the assets' version here, so any change to them installs a new worker,
// which fetches them afresh; until then they are served from the cache without asking.
var VERSION = "__ASSET_VERSION__";
var CACHE = "leader-shell-" + VERSION;
var ASSETS = ["/static/css/app.css", "/static/js/leader.js", "/static/icons/icon.svg"];

self.addEventListener("install", function (event) {
  event.waitUntil(Promise.all([caches.open(CACHE), currentLanguage()]).then(function (both) {
    var cache = both[0];
    // Fetched without cookies: the shell must hold nothing of whoever installed it.
    var urls = ASSETS.concat(["/leader/offline/" + both[1]]);
    return Promise.all(urls.map(function (url) {
      return fetch(url, { credentials: "omit" }).then(function (response) {
        if (response.ok) return cache.put(url, response);
      });
    }).concat(fetch("/api/offices", { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) return;
      return cache.put("/api/offices", response).then(function () {
        return RatingQueue.setMeta("offices_at", Date.now());
      });
    }).catch(function () {})));
  }).then(function () { return self.skipWaiting(); }));
});

function currentLanguage() {
  return RatingQueue.getMeta("current").catch(function () { return null; })
    .then(function (current) { return current && current.lang === "en" ? "en" : "bn"; });
}

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name !== CACHE; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function shellFor() {
  return currentLanguage().then(function (lang) {
    return caches.match("/leader/offline/" + lang).then(function (shell) {
      return shell || caches.match("/leader/offline/" + (lang === "bn" ? "en" : "bn"));
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname.indexOf("/leader/") === 0) {
    event.respondWith(fetch(request).catch(shellFor));
    return;
  }
  if (url.pathname === "/api/offices") {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put("/api/offices", copy); });
      }
      return response;
    }).catch(function () { return caches.match("/api/offices"); }));
    return;
  }
  if (ASSETS.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(url.pathname).then(function (hit) {
      return hit || fetch(request);
    }));
  }
});

self.addEventListener("sync", function (event) {
  if (event.tag === "send-ratings") event.waitUntil(RatingQueue.flush());
});
