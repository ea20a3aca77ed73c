/* Service worker of the leaders' pages: the app shell, the office list and the voice clips for
 * offline use, and sending queued ratings in the background. Pages with a person's data are
 * never cached; the voice clips are the same for everyone.
 * The server writes its addresses and the list of files it keeps (SHELL below) when it
 * serves this script (rating/survey/shell.py): any change to those files is a new worker. */
/* global RatingQueue */
"use strict";

var SHELL = JSON.parse("__SHELL__");
importScripts(SHELL.outbox);
RatingQueue.configure({ session: SHELL.session, ratings: SHELL.ratings });

var CACHE = "leader-shell-" + SHELL.version;
// The clips outlive a new shell: kept under their own name, refreshed when played online.
var VOICE = "leader-voice";
var ASSETS = SHELL.assets;
var logged = RatingQueue.logged;

function offlineShell(lang) { return SHELL.offline.replace("{language}", lang); }

self.addEventListener("install", function (event) {
  event.waitUntil(Promise.all([caches.open(CACHE), currentLanguage()]).then(function (both) {
    var cache = both[0];
    // Fetched without cookies: the shell must hold nothing of whoever installed it.
    var urls = ASSETS.concat([offlineShell(both[1])]);
    return Promise.all(urls.map(function (url) {
      return fetch(url, { credentials: "omit" }).then(function (response) {
        if (response.ok) return cache.put(url, response);
      });
    }).concat(RatingQueue.setMeta("shell_at", Date.now()).catch(logged("noting the shell's age")))
      .concat(fetch(SHELL.offices, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) return;
        return cache.put(SHELL.offices, response).then(function () {
          return RatingQueue.setMeta("offices_at", Date.now());
        });
      }).catch(logged("keeping the office list"))));
  }).then(function () { return self.skipWaiting(); }));
});

function currentLanguage() {
  return RatingQueue.getMeta("current").catch(logged("reading who is logged in"))
    .then(function (current) { return current && current.lang === "en" ? "en" : "bn"; });
}

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name !== CACHE && name !== VOICE; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function shellFor() {
  return currentLanguage().then(function (lang) {
    return caches.match(offlineShell(lang)).then(function (shell) {
      return shell || caches.match(offlineShell(lang === "bn" ? "en" : "bn"));
    });
  });
}

/* "/leader/rate/<office>" (the server's pattern, with {id}): the rating page's address. */
function isRatePage(pathname) {
  var parts = SHELL.ratePage.split("{id}").map(function (part) {
    return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  });
  return new RegExp("^" + parts.join("\\d+") + "$").test(pathname);
}

/* The rating page of a leader known on this phone comes from the shell at once, online too:
 * the page then asks the server for what is personal (a few hundred bytes, never stored).
 * With a query ("?page=server"), or for nobody logged in here, the server's page. */
function ratePageShell(url) {
  if (!isRatePage(url.pathname) || url.search) return Promise.resolve(null);
  return RatingQueue.getMeta("current").catch(logged("reading who is logged in"))
    .then(function (current) {
      if (!current || !current.tag) return null;
      // Only the shell in the leader's own language; the other one is fetched for next time.
      return caches.match(offlineShell(current.lang === "en" ? "en" : "bn"));
    }).then(function (shell) { return shell || null; });
}

/* Keep the cached shell in step with the server (its voice prompts, a new translation) without
 * adding to every visit: at most every few hours, in the background; at once when the shell
 * in the leader's language is not on the phone yet. */
function refreshShell() {
  return Promise.all([RatingQueue.getMeta("shell_at"), currentLanguage()]).then(function (both) {
    var url = offlineShell(both[1]);
    return caches.match(url).then(function (cached) {
      if (cached && both[0] && Date.now() - both[0] < 6 * 3600 * 1000) return;
      return fetch(url, { credentials: "omit" }).then(function (response) {
        if (!response.ok) return;
        return caches.open(CACHE).then(function (cache) { return cache.put(url, response); })
          .then(function () { return RatingQueue.setMeta("shell_at", Date.now()); });
      });
    });
  }).catch(logged("refreshing the shell"));
}

/* ---- Results pages (rating/results/): a block's and an office's published results are the
 * same for every leader, so the phone keeps their unmarked copy ("?copy=plain": no name, no
 * marks, no token), one per language, and shows it at once, online too: the page then asks
 * the server for what is hers (results.personal, never stored) and marks the offices she
 * rated. The last block read is also what the results' first address shows offline. Of her
 * own ratings ("mine") only the empty frame is kept, filled in from the server each time and
 * never stored; the cards are never kept, nor any page the server sent with something of
 * hers on it; "?page=server" always asks the server. */
var RESULTS_KEPT = [/^block\/\d+$/, /^office\/\d+$/, /^mine$/];

function keptResults(path, lang) { return path + "?copy=plain&language=" + lang; }

function isKeptResults(pathname) {
  if (pathname.indexOf(SHELL.results) !== 0) return false;
  var rest = pathname.slice(SHELL.results.length);
  return RESULTS_KEPT.some(function (pattern) { return pattern.test(rest); });
}

function resultsPage(event, url) {
  if (url.pathname.indexOf(SHELL.results) !== 0) return false;
  var kept = isKeptResults(url.pathname);
  if (url.pathname !== SHELL.results && !kept) return false;
  if (kept && !url.search) {
    var found = currentLanguage().then(function (lang) {
      return caches.match(keptResults(url.pathname, lang)).then(function (hit) {
        return { lang: lang, hit: hit };
      });
    });
    event.respondWith(found.then(function (kept) {
      return kept.hit || fetch(event.request).catch(function () { return offlineResults(url); });
    }));
    event.waitUntil(found.then(function (kept) {  // a fresh copy now and then
      if (kept.hit) return keepResults(url.pathname, kept.lang);
    }));
    return true;
  }
  event.respondWith(fetch(event.request).catch(function () { return offlineResults(url); }));
  return true;
}

/* Without network: the kept copy in her language, else in the other, else the app shell. */
function offlineResults(url) {
  return currentLanguage().then(function (lang) {
    var other = lang === "bn" ? "en" : "bn";
    return caches.match(keptResults(url.pathname, lang)).then(function (hit) {
      return hit || caches.match(keptResults(url.pathname, other));
    });
  }).then(function (hit) { return hit || shellFor(); });
}

/* The unmarked copy, fetched again only when the kept one is a few hours old: results change
 * when a cycle closes or a letter is recorded, and a visit should not cost its bytes twice.
 * Asked for by the page (leader.js) once it has loaded, in the page's language. */
function keepResults(path, lang) {
  if (!isKeptResults(path) || (lang !== "bn" && lang !== "en")) return Promise.resolve();
  return caches.match(keptResults(path, lang)).then(function (hit) {
    var at = hit && Date.parse(hit.headers.get("Date") || "");
    if (at && Date.now() - at < 6 * 3600 * 1000) return;
    return fetch(path + "?copy=plain", { credentials: "same-origin" }).then(function (plain) {
      if (!plain.ok || plain.redirected) return;
      return caches.open(CACHE).then(function (cache) {
        var block = path.indexOf(SHELL.results + "block/") === 0;
        var keys = [keptResults(path, lang)].concat(block ? [keptResults(SHELL.results, lang)] : []);
        return Promise.all(keys.map(function (key) { return cache.put(key, plain.clone()); }));
      });
    });
  }).catch(logged("keeping the results for offline reading"));
}
/* ---- end of the results pages */

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && resultsPage(event, url)) return;
  if (request.mode === "navigate" && url.pathname.indexOf(SHELL.scope) === 0) {
    event.respondWith(ratePageShell(url).then(function (shell) {
      event.waitUntil(refreshShell());
      return shell || fetch(request).catch(shellFor);
    }));
    return;
  }
  if (url.pathname === SHELL.offices) {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { return cache.put(SHELL.offices, copy); })
          .catch(logged("keeping the office list"));
      }
      return response;
    }).catch(function () { return caches.match(SHELL.offices); }));
    return;
  }
  if (isClip(url)) {
    event.respondWith(clipFromCache(request));
    return;
  }
  if (ASSETS.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(url.pathname).then(function (hit) {
      return hit || fetch(request);
    }));
  }
});

/* ---- voice clips: from the phone's cache at once, refreshed from the server behind ---- */

function isClip(url) {
  return url.origin === self.location.origin && url.pathname.indexOf(SHELL.voice) === 0;
}

function fetchClip(cache, url) {
  return fetch(url, { credentials: "same-origin" }).then(function (response) {
    if (response.ok) return cache.put(url, response.clone()).then(function () { return response; });
    return response;
  });
}

function clipFromCache(request) {
  return caches.open(VOICE).then(function (cache) {
    return cache.match(request.url).then(function (hit) {
      var fresh = fetchClip(cache, request.url);
      if (!hit) return fresh;
      fresh.catch(logged("refreshing a clip"));
      return hit;
    });
  });
}

/* The page lists the clips it can play (leader.js): those not on the phone yet are fetched now,
 * one after another, so that they play offline later. */
function keepClips(clips) {
  if (!self.navigator.onLine) return Promise.resolve();
  return caches.open(VOICE).then(function (cache) {
    return clips.reduce(function (chain, clip) {
      var url = new URL(clip, self.location.origin);
      if (!isClip(url)) return chain;
      return chain.then(function () {
        return cache.match(url.href).then(function (hit) {
          return hit || fetchClip(cache, url.href);
        });
      });
    }, Promise.resolve()).then(function () { return true; });
  }).catch(logged("keeping the clips"));
}

self.addEventListener("message", function (event) {
  if (event.data && typeof event.data.keepResults === "string") {
    event.waitUntil(keepResults(event.data.keepResults, event.data.language));
    return;
  }
  if (!event.data || !Array.isArray(event.data.keepClips)) return;
  event.waitUntil(keepClips(event.data.keepClips).then(function (kept) {
    if (kept && event.source) event.source.postMessage({ clipsKept: true });
  }));
});

self.addEventListener("sync", function (event) {
  if (event.tag === "send-ratings") event.waitUntil(RatingQueue.flush());
});
