/* The leaders' pages: the rating form queues to the phone's outbox (outbox.js) and sends from
 * there; the app shell (survey/offline.html) is filled in on the phone, online from the
 * server's JSON, offline from the cached office list. Every address comes from the page
 * (<template id="urls">), written by the server. */
/* global RatingQueue */
"use strict";

(function () {
  var urls = (document.getElementById("urls") || {}).dataset || {};
  var texts = (document.getElementById("texts") || {}).dataset || {};
  var tagMeta = document.querySelector('meta[name="leader-tag"]');
  var tokenMeta = document.querySelector('meta[name="csrf-token"]');
  var tag = tagMeta ? tagMeta.content : null;
  var lang = document.documentElement.lang || "bn";
  var shell = document.getElementById("shell");
  var logged = RatingQueue.logged;

  RatingQueue.configure({ session: urls.session, ratings: urls.ratings });

  /* "/leader/rate/{id}" with the id filled in, and the pattern that reads it back. */
  function fill(pattern, id) { return pattern.replace("{id}", String(id)); }
  function idIn(pattern, path) {
    var parts = pattern.split("{id}").map(function (part) {
      return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    });
    var match = path.match(new RegExp("^" + parts.join("(\\d+)") + "$"));
    return match ? Number(match[1]) : null;
  }

  function newId() {
    if (self.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  /* Refused ratings shown on this page: shown once, with the reason in words and a voice
   * clip, and already gone from the phone; they stay on the screen until she dismisses them
   * or leaves the page. Never sent again. */
  var shownProblems = [];

  function speakerFor(key) {
    var speakers = document.getElementById("speakers");
    var found = speakers && speakers.content.querySelector('[data-clip="' + key + '"]');
    return found ? found.cloneNode(true) : null;
  }

  function refusedItem(item) {
    var li = document.createElement("li"), gone = item.problem === "office_not_in_cycle";
    var words = document.createElement("p");
    words.textContent = item.office_name + " · " + item.score_label + ". " +
      (gone ? texts.officeGone : item.problem === "cycle_closed" ? texts.refused
        : (texts.notSaved || "") + " " + (item.problem_text || item.problem));
    var speaker = speakerFor(gone ? "message.office_gone" : "message.refused");
    if (speaker) words.appendChild(speaker);
    li.className = "refused";
    li.appendChild(words);
    var actions = document.createElement("p");
    actions.className = "actions";
    if (!gone && item.payload && urls.ratePage) {
      var again = document.createElement("a");
      again.className = "button";
      again.href = fill(urls.ratePage, item.payload.office_id);
      again.textContent = texts.rateAgain || "";
      actions.appendChild(again);
    }
    var dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "dismiss";
    dismiss.textContent = texts.dismiss || "";
    dismiss.addEventListener("click", function () {
      shownProblems = shownProblems.filter(function (shown) { return shown !== item; });
      li.remove();
      var box = document.getElementById("refused");
      if (box) box.hidden = shownProblems.length === 0;
    });
    actions.appendChild(dismiss);
    li.appendChild(actions);
    return li;
  }

  function showQueue(current) {
    var box = document.getElementById("queue"), refusedBox = document.getElementById("refused");
    if (!box || !current) return;
    RatingQueue.items(current).then(function (queued) {
      var waiting = queued.filter(function (item) { return !item.problem; });
      var refused = queued.filter(function (item) { return item.problem; });
      shownProblems = shownProblems.concat(refused);
      var list = box.querySelector("ul");
      list.textContent = "";
      document.body.dataset.queued = String(waiting.length);  // for scripts and tests
      waiting.forEach(function (item) {
        var li = document.createElement("li");
        li.textContent = item.office_name + " · " + item.score_label + " · " + (texts.waiting || "");
        list.appendChild(li);
      });
      box.hidden = waiting.length === 0;
      if (refusedBox) {
        var refusedList = refusedBox.querySelector("ul");
        refused.forEach(function (item) { refusedList.appendChild(refusedItem(item)); });
        refusedBox.hidden = shownProblems.length === 0;
      }
      document.body.dataset.refused = String(shownProblems.length);
      return Promise.all(refused.map(function (item) { return RatingQueue.remove(item.submission_id); }));
    }).catch(logged("showing the queue"));
  }

  /* Speaker buttons: the clip plays on the page (from the phone's cache when offline,
   * sw.js); without the script the button is a link to the clip. */
  var player = null;
  function playClip(speaker) {
    if (player) player.pause();
    speaker.classList.remove("failed");
    speaker.classList.add("playing");
    var audio = new Audio(speaker.href);
    player = audio;
    audio.addEventListener("playing", function () {  // for scripts and tests
      var played = (document.body.dataset.played || "").split(" ").filter(Boolean);
      if (played.indexOf(speaker.dataset.clip) < 0) played.push(speaker.dataset.clip);
      document.body.dataset.played = played.join(" ");
    });
    audio.addEventListener("ended", function () { speaker.classList.remove("playing"); });
    audio.play().catch(function (error) {
      speaker.classList.remove("playing");
      speaker.classList.add("failed");
      logged("playing a clip")(error);
    });
  }
  document.addEventListener("click", function (event) {
    var speaker = event.target.closest && event.target.closest("a.speak");
    if (!speaker) return;
    event.preventDefault();
    playClip(speaker);
  });

  /* Every clip this page can play, kept on the phone by the worker in the background. */
  function keepClips() {
    if (!self.navigator.serviceWorker || !navigator.serviceWorker.ready) return;
    var clips = Array.prototype.map.call(document.querySelectorAll("a.speak"), function (a) {
      return a.getAttribute("href");
    });
    if (!clips.length) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage({ keepClips: clips });
    }).catch(logged("keeping the clips"));
  }
  if (self.navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      // every clip of the page is on the phone now (for scripts and tests)
      if (event.data && event.data.clipsKept) document.body.dataset.clipsKept = "1";
    });
  }

  function flushAndShow() {
    var current = tag || (shell && shell.dataset.tag);
    // Ask the server for a token only when something is waiting to be sent.
    RatingQueue.items(current).then(function (queued) {
      if (!queued.length) return { left: 0 };
      return RatingQueue.flush();
    }).then(function (result) {
      showQueue(tag || (shell && shell.dataset.tag));
      var notice = document.getElementById("login-again");
      if (result.needLogin && notice) notice.hidden = false;
    }).catch(logged("sending the queue"));
  }

  function payloadOf(form) {
    var data = new FormData(form), score = data.get("score");
    return {
      submission_id: data.get("submission_id") || newId(),
      cycle_id: Number(form.dataset.cycleId), office_id: Number(form.dataset.officeId),
      score: score ? Number(score) : null, purpose: data.get("purpose"),
      // "resolved" is the wire name of "was the work done?", which queued ratings keep
      respect: data.get("respect"), resolved: data.get("resolved"),
      comment: data.get("comment") || null, quote_consent: data.get("quote_consent") === "y",
    };
  }

  function savedOnPhone(form, item) {
    var note = document.createElement("p");
    note.className = "flash flash-info";
    note.setAttribute("role", "status");
    note.id = "saved-on-phone";
    note.textContent = texts.savedPhone || "";
    form.replaceWith(note);
    showQueue(item.tag);
  }

  function askWorkerToSend() {
    if (!self.navigator.serviceWorker || !navigator.serviceWorker.ready) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) return registration.sync.register("send-ratings");
    }).catch(logged("asking the worker to send"));
  }

  /* With the script, a rating goes to the phone's outbox first and is then sent; without
   * network it stays there, shown as waiting, until a later page load or the worker sends it. */
  function onSubmit(event) {
    var form = event.currentTarget, button = form.querySelector("button[type=submit]");
    if (!form.querySelector("input[name=score]:checked")) return;  // let the server explain
    event.preventDefault();
    if (button.disabled) return;  // a double tap sends once
    button.disabled = true;
    button.textContent = texts.sending || button.textContent;
    var payload = payloadOf(form);
    form.querySelector("input[name=submission_id]").value = payload.submission_id;
    var checked = form.querySelector("input[name=score]:checked + label");
    var item = { submission_id: payload.submission_id, tag: tag || (shell && shell.dataset.tag),
                 payload: payload, made_at: new Date().toISOString(),
                 office_name: form.dataset.officeName || "",
                 score_label: checked ? checked.textContent : String(payload.score) };
    RatingQueue.put(item).then(function () {
      if (!tokenMeta || !navigator.onLine) return "later";
      return RatingQueue.send(item, tokenMeta.content);
    }).then(function (outcome) {
      if (outcome === "done") {
        return RatingQueue.items(item.tag).then(function (left) {
          var mine = left.filter(function (i) { return i.submission_id === item.submission_id; });
          if (mine.length && mine[0].problem) {  // refused: let the server show why
            RatingQueue.remove(item.submission_id).then(function () { form.submit(); });
          } else {
            location.assign(fill(urls.saved, payload.office_id));
          }
        });
      }
      savedOnPhone(form, item);
      askWorkerToSend();
    }).catch(function (error) {  // no storage on this phone: the form posts as without script
      logged("queueing a rating")(error);
      if (navigator.onLine) return form.submit();
      var notice = document.createElement("p");  // offline, and her session is over here
      notice.className = "flash flash-error";
      notice.setAttribute("role", "alert");
      notice.textContent = texts.sessionOver || "";
      form.replaceWith(notice);
    });
  }

  var form = document.getElementById("rating-form");
  if (form) form.addEventListener("submit", onSubmit);

  /* Logging out with ratings still waiting asks first; either way the phone forgets who was
   * logged in, so the worker stops showing the rating page's shell to the next person. */
  function guardLogout() {
    var logout = document.getElementById("logout-form");
    if (!logout || !tag) return;
    logout.addEventListener("submit", function (event) {
      if (logout.dataset.confirmed) return;
      event.preventDefault();
      RatingQueue.items(tag).then(function (queued) {
        var waiting = queued.filter(function (i) { return !i.problem; }).length;
        if (waiting && !confirm(texts.logoutWarning)) return;
        return Promise.all([RatingQueue.forget(), RatingQueue.setMeta("current", null)]).then(function () {
          logout.dataset.confirmed = "1";
          logout.submit();
        });
      }).catch(function (error) {  // the outbox cannot be read: log out all the same
        logged("checking the queue before logging out")(error);
        RatingQueue.forget();
        logout.submit();
      });
    });
  }

  /* Quick exit: the screen is emptied at once, the phone forgets her key and who was here,
   * the session ends on the server, and the page is replaced in the history by a neutral
   * one, so "back" does not bring it up again. Without the script the form does the same,
   * but for the emptying. */
  function guardQuickExit() {
    var exit = document.getElementById("quick-exit");
    if (!exit) return;
    exit.addEventListener("submit", function (event) {
      event.preventDefault();
      document.title = "";
      document.body.textContent = "";
      RatingQueue.forget();
      var leave = function () { location.replace(urls.quickExit || "about:blank"); };
      var timer = setTimeout(leave, 1500);  // the neutral page comes soon, whatever the network
      Promise.all([
        fetch(exit.action, { method: "POST", credentials: "same-origin", keepalive: true,
                             redirect: "manual" }).catch(logged("ending the session")),
        RatingQueue.setMeta("current", null).catch(logged("forgetting who was here")),
      ]).then(function () { clearTimeout(timer); leave(); });
    });
  }
  guardQuickExit();

  /* A page brought back from the browser's memory ("back") after her session ended here
   * shows nothing of hers: it is emptied and loaded afresh. */
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted || !tag) return;
    if (document.cookie.indexOf("outbox_key=" + tag + ".") < 0) {
      document.body.textContent = "";
      location.reload();
    }
  });

  /* Keep the open cycle's office list on the phone for offline rating: the worker stores
   * each answer; refreshed at most every few hours, so a page load stays small. */
  function refreshOffices() {
    return RatingQueue.getMeta("offices_at").then(function (at) {
      if (!navigator.serviceWorker.controller) return;  // not yet through the worker
      if (at && Date.now() - at < 6 * 3600 * 1000) return;
      return fetch(urls.offices, { credentials: "same-origin" }).then(function (response) {
        if (response.ok) return RatingQueue.setMeta("offices_at", Date.now());
      });
    }).catch(logged("refreshing the office list"));
  }

  function startLeader() {
    guardLogout();
    // Ask the browser not to evict the outbox when the phone runs short of space.
    if (navigator.storage && navigator.storage.persist) {
      navigator.storage.persist().catch(logged("asking to keep the outbox"));
    }
    RatingQueue.setMeta("current", { tag: tag, lang: lang }).then(flushAndShow)
      .catch(logged("remembering who is logged in"));
    if ("serviceWorker" in navigator) {
      if (document.readyState === "complete") refreshOffices();
      else window.addEventListener("load", refreshOffices);
    }
    if (document.readyState === "complete") keepClips();
    else window.addEventListener("load", keepClips);
    window.addEventListener("online", flushAndShow);
    setInterval(function () { if (navigator.onLine) flushAndShow(); }, 60000);
  }

  if (tag) startLeader();

  /* ---- Results pages (rating/results/). A block's or an office's page asks the worker to
   * keep its unmarked copy for next time (sw.js); that copy, shown at once from the phone,
   * asks the server which offices she rated (results.personal: never stored, a few hundred
   * bytes) and marks them while she is logged in. Offline it stays unmarked; logged out and
   * online, the server's page asks her to log in, as before the copy was kept. */
  var personal = document.getElementById("results-personal");
  var keptPage = document.getElementById("results-kept");

  function keepThisPage() {
    if (!keptPage || !self.navigator.serviceWorker || !navigator.serviceWorker.ready) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) {
        registration.active.postMessage({ keepResults: keptPage.dataset.path, language: lang });
      }
    }).catch(logged("keeping the results"));
  }
  if (keptPage) {
    if (document.readyState === "complete") keepThisPage();
    else window.addEventListener("load", keepThisPage);
  }

  function mineMark() {
    var mark = document.createElement("span");
    mark.className = "mine-mark";
    mark.textContent = personal.dataset.youRated || "";
    return mark;
  }

  function markRated(rated) {
    var elsewhere = document.getElementById("elsewhere");
    rated.forEach(function (office) {
      var section = document.getElementById("office-" + office.id);
      var item = document.querySelector('.not-shown li[data-office="' + office.id + '"]');
      var heading = section && section.querySelector("h2");
      if (heading) {
        heading.appendChild(document.createTextNode(" "));
        heading.appendChild(mineMark());
      } else if (section) {
        var line = document.createElement("p");
        line.appendChild(mineMark());
        section.insertBefore(line, section.firstChild);
      } else if (item) {
        item.appendChild(document.createTextNode(" "));
        item.appendChild(mineMark());
      } else if (elsewhere) {  // rated, but not an office of this block
        var li = document.createElement("li"), a = document.createElement("a");
        a.href = fill(elsewhere.dataset.officeUrl, office.id);
        a.textContent = office.name;
        li.appendChild(a);
        elsewhere.querySelector("ul").appendChild(li);
        elsewhere.hidden = false;
      }
    });
  }

  function startResults() {
    fetch(personal.dataset.url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("json") >= 0;
        return response.ok && json ? response.json() : null;
      }).then(function (data) {
        if (!data) {  // logged out, online: the server's page, which asks her to log in
          location.replace(location.pathname + "?page=server");
          return;
        }
        if (data.language !== lang) {  // the copy kept in the other language: hers instead
          location.replace(location.pathname + "?page=server");
          return;
        }
        fillWho(data);
        markRated(data.rated || []);
        if (data.ratings) fillMine(data);
        document.body.dataset.personal = "1";  // for scripts and tests
        if (data.tag) {
          ["mine-link", "pin-link"].forEach(function (id) {  // a leader's own links
            var link = document.getElementById(id);
            if (link) link.hidden = false;
          });
          tag = data.tag;
          startLeader();
        }
      }).catch(function () {
        var offline = document.getElementById("mine-offline");
        if (offline) offline.hidden = false;
        document.body.dataset.personal = "0";  // no network: the copy as kept, unmarked
      });
  }

  /* Her own ratings in the kept frame: on the screen only, gone with the page. Each rating
   * is [office id, cycle id, score, purpose code]; names come once, the purposes' words with
   * the frame. */
  function fillMine(data) {
    var table = document.getElementById("mine-table");
    if (!table) return;
    var body = table.querySelector("tbody"), purposes = readTerms(table, "purposes");
    data.ratings.forEach(function (rating) {
      var row = document.createElement("tr");
      [data.offices[rating[0]], data.cycles[rating[1]], null,
       purposes[rating[3]] || rating[3]].forEach(function (text) {
        var cell = document.createElement("td");
        if (text === null) {
          var score = document.createElement("span");
          score.className = "score s" + Number(rating[2]);
          score.textContent = localDigits(rating[2]);
          cell.appendChild(score);
        } else {
          cell.textContent = text;
        }
        row.appendChild(cell);
      });
      body.appendChild(row);
    });
    table.hidden = data.ratings.length === 0;
    document.getElementById("mine-none").hidden = data.ratings.length > 0;
  }
  if (personal) startResults();

  var rateId = idIn(urls.ratePage || "", location.pathname);
  if (shell && rateId !== null && navigator.onLine) startRatePage(rateId);
  else if (shell) startShell();

  /* The rating page from the shell, online: the personal part comes from the server now and
   * is never stored. Anything but an answer (logged out, no open cycle, no such office) goes
   * to the server's own page, which says what to do; no network falls back to the shell. */
  function startRatePage(officeId) {
    showSection("shell-rate");
    document.getElementById("shell-offline").hidden = true;
    // On a slow line she may answer before the page is filled: her answers are kept.
    var touched = {}, rateForm = document.getElementById("rating-form");
    function touch(event) { if (event.target.name) touched[event.target.name] = true; }
    rateForm.addEventListener("change", touch);
    rateForm.addEventListener("input", touch);
    fetch(fill(urls.rateApi, officeId), { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) {
        location.replace(location.pathname + "?page=server");
        return null;
      }
      return response.json();
    }, function () {
      document.getElementById("shell-offline").hidden = false;
      startShell();
      return null;
    }).then(function (data) { if (data) fillRatePage(data, touched); });
  }

  function localDigits(text) {
    return lang === "bn" ? String(text).replace(/[0-9]/g, function (d) {
      return "০১২৩৪৫৬৭৮৯".charAt(Number(d));
    }) : String(text);
  }

  function fillRatePage(data, touched) {
    if (data.language !== lang) {  // she changed language: the server's page, in hers
      location.replace(location.pathname + "?page=server");
      return;
    }
    tag = data.tag;
    shell.dataset.tag = tag;
    fillWho(data);
    document.title = data.office;
    var title = document.getElementById("shell-office");
    title.textContent = data.office + " ";
    var speaker = officeSpeaker({ id: data.office_id, voice: data.voice, name_bn: data.office,
                                  name_en: data.office });
    if (speaker) title.appendChild(speaker);
    var officer = document.getElementById("shell-officer");
    if (data.officer) {
      officer.textContent = officer.dataset.text.replace("{name}", data.officer);
      officer.hidden = false;
    }
    var rateForm = document.getElementById("rating-form");
    rateForm.action = fill(urls.ratePage, data.office_id);
    rateForm.dataset.officeId = data.office_id;
    rateForm.dataset.cycleId = data.cycle_id;
    rateForm.dataset.officeName = data.office;
    withToken(rateForm, data.csrf_token);
    if (data.rating) fillAnswers(rateForm, data.rating, touched);
    startLeader();
  }

  /* A page the phone kept holds nobody's name and no token: hers come from the server
   * (never stored), for the header and its forms; a change of language goes to the server's
   * page, in hers. */
  function fillWho(data) {
    tokenMeta = document.createElement("meta");
    tokenMeta.name = "csrf-token";
    tokenMeta.content = data.csrf_token;
    document.head.appendChild(tokenMeta);
    var who = document.getElementById("shell-who");
    if (!who) return;
    who.querySelector(".who").textContent = data.who;
    withToken(document.getElementById("logout-form"), data.csrf_token);
    var languageForm = document.getElementById("language-form");
    withToken(languageForm, data.csrf_token);
    languageForm.querySelector("input[name=next]").value = location.pathname + "?page=server";
    who.hidden = false;
  }

  /* The shell holds no token: each form gets this session's, for posting without the script. */
  function withToken(target, token) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = "csrf_token";
    input.value = token;
    target.appendChild(input);
  }

  /* The earlier answers, except those she has already changed on this page. */
  function fillAnswers(rateForm, rating, touched) {
    ["score", "purpose", "respect", "resolved"].forEach(function (name) {
      var input = rateForm.querySelector("input[name=" + name + "][value='" + rating[name] + "']");
      if (input && !touched[name]) input.checked = true;
    });
    if (!touched.comment) rateForm.querySelector("textarea[name=comment]").value = rating.comment || "";
    if (!touched.quote_consent) {
      rateForm.querySelector("input[name=quote_consent]").checked = !!rating.quote_consent;
    }
    var earlier = document.getElementById("shell-earlier");
    earlier.textContent = earlier.dataset.text.replace("{score}", localDigits(rating.score));
    earlier.hidden = false;
  }

  function showSection(id) {
    document.getElementById("shell-list").hidden = id !== "shell-list";
    document.getElementById("shell-rate").hidden = id !== "shell-rate";
  }

  function startShell() {
    RatingQueue.getMeta("current").then(function (current) {
      shell.dataset.tag = current ? current.tag : "";
      if (current) showQueue(current.tag);
      return fetch(urls.offices, { credentials: "same-origin" });
    }).then(function (response) { return response.json(); }).then(function (data) {
      var offices = data.offices || [], chosenId = idIn(urls.ratePage, location.pathname);
      var chosen = chosenId !== null && offices.filter(function (o) { return o.id === chosenId; })[0];
      if (chosen) return showForm(chosen, data.cycle_id);
      showList(offices, data.cycle_id);
    }).catch(function (error) {
      logged("opening the office list")(error);
      document.getElementById("shell-empty").hidden = false;
    });
  }

  function nameOf(office) { return lang === "bn" ? office.name_bn : office.name_en; }

  /* A speaker button that reads the office's name, when it has a clip in this language. */
  function officeSpeaker(office) {
    if (!urls.clip || (office.voice || []).indexOf(lang) < 0) return null;
    var key = "office." + office.id, svgNs = "http://www.w3.org/2000/svg";
    var a = document.createElement("a"), svg = document.createElementNS(svgNs, "svg");
    var use = document.createElementNS(svgNs, "use");
    a.className = "speak";
    a.setAttribute("role", "button");
    a.href = urls.clip.replace("{key}", key).replace("{language}", lang);
    a.dataset.clip = key;
    a.setAttribute("aria-label", (texts.listen || "{what}").replace("{what}", nameOf(office)));
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    use.setAttribute("href", "#i-speak");
    svg.appendChild(use);
    a.appendChild(svg);
    return a;
  }

  /* The server's office search, on the phone (offices_statement in rating/directory/): the
   * search's words, lower-cased, split at spaces, commas and hyphens; each must be found, in
   * either language, in the office's names or code, its place's names or its department's
   * code or names ("গাইঘাটা বিডিও", "bdo gaigh"), in any order. The places' and departments'
   * names come with the shell (data-places, data-departments). */
  function searchWords(q) {
    return q.toLowerCase().split(/[\s,;/-]+/).filter(Boolean);
  }

  function readTerms(box, name) {
    try {
      return JSON.parse(box.dataset[name] || "{}");
    } catch (error) {  // e.g. the office's own names and code are still searched
      logged("reading the page's own data")(error);
      return {};
    }
  }

  function searchText(office, terms) {
    // One field a line: a word is found within one field, never across two.
    return [office.name_en, office.name_bn, office.code, terms.places[office.place_id] || "",
            terms.departments[office.department] || ""].join("\n").toLowerCase();
  }

  /* The filters as on the server: a block (or municipality) holds the offices placed in it or
   * in a place of it; a department by its code. */
  function matches(office, words, block, department) {
    if (block && office.place_id !== block && office.block_id !== block) return false;
    if (department && office.department !== department) return false;
    return words.every(function (word) { return office.searchText.indexOf(word) >= 0; });
  }

  function officeItem(office, cycleId) {
    var li = document.createElement("li"), a = document.createElement("a");
    a.href = fill(urls.ratePage, office.id);
    a.textContent = nameOf(office);
    a.addEventListener("click", function (event) {
      event.preventDefault();
      history.pushState({}, "", a.href);
      showForm(office, cycleId);
    });
    li.appendChild(a);
    var speaker = officeSpeaker(office);
    if (speaker) {
      li.className = "with-speaker";
      li.appendChild(speaker);
    }
    return li;
  }

  function showList(offices, cycleId) {
    var list = document.getElementById("office-list"), search = document.getElementById("shell-q");
    var box = document.getElementById("shell-search");
    var blockSelect = document.getElementById("shell-block");
    var departmentSelect = document.getElementById("shell-department");
    var terms = { places: readTerms(box, "places"), departments: readTerms(box, "departments") };
    offices.forEach(function (office) { office.searchText = searchText(office, terms); });
    function render() {
      var words = searchWords(search.value), block = Number(blockSelect.value) || null;
      var department = departmentSelect.value || null;
      var found = offices.filter(function (o) { return matches(o, words, block, department); });
      list.textContent = "";
      found.forEach(function (office) { list.appendChild(officeItem(office, cycleId)); });
      if (!found.length && offices.length) {
        var empty = document.createElement("li");
        empty.className = "empty";
        empty.textContent = list.dataset.empty || "";
        list.appendChild(empty);
      }
      document.body.dataset.offices = String(found.length);  // for scripts and tests
    }
    search.addEventListener("input", render);
    blockSelect.addEventListener("change", render);
    departmentSelect.addEventListener("change", render);
    document.getElementById("shell-empty").hidden = offices.length > 0;
    render();
  }

  function showForm(office, cycleId) {
    showSection("shell-rate");
    var title = document.getElementById("shell-office"), speaker = officeSpeaker(office);
    title.textContent = nameOf(office) + " ";
    if (speaker) title.appendChild(speaker);
    var shellForm = document.getElementById("rating-form");
    shellForm.dataset.officeId = office.id;
    shellForm.dataset.cycleId = cycleId;
    shellForm.dataset.officeName = nameOf(office);
  }

  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(urls.worker, { scope: urls.workerScope })
        .catch(logged("installing the worker"));
    });
  }
})();
