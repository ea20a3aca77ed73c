/* Service worker of the leaders' pages: the app shell and the office list for offline use,
 * and sending queued ratings in the background. Pages with a person's data are never cached. */
"use strict";
importScripts("/static/js/leader.js");

var CACHE = "leader-shell-v1";
var SHELL = ["/leader/offline/bn", "/leader/offline/en", "/static/css/app.css",
             "/static/js/leader.js", "/static/icons/icon.svg"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    // Fetched without cookies: the shell must hold nothing of whoever installed it.
    return Promise.all(SHELL.map(function (url) {
      return fetch(url, { credentials: "omit" }).then(function (response) {
        if (response.ok) return cache.put(url, response);
      });
    }).concat(fetch("/api/offices", { credentials: "same-origin" }).then(function (response) {
      if (response.ok) return cache.put("/api/offices", response);  // the leader's own login
    }).catch(function () {})));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name !== CACHE; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function shellFor() {
  return RatingQueue.getMeta("current").catch(function () { return null; }).then(function (current) {
    var lang = current && current.lang === "en" ? "en" : "bn";
    return caches.match("/leader/offline/" + lang);
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
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(url.pathname).then(function (hit) {
      var network = fetch(request).then(function (response) {
        if (response.ok && SHELL.indexOf(url.pathname) >= 0) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
        }
        return response;
      });
      if (hit) {
        network.catch(function () {});  // offline: the cached copy is the answer
        return hit;
      }
      return network;
    }));
  }
});

self.addEventListener("sync", function (event) {
  if (event.tag === "send-ratings") event.waitUntil(RatingQueue.flush());
});
