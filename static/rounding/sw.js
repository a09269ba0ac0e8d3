// Keeps a rounding visit's page usable without a network. Served at /rounding/sw.js, so it
// looks after /rounding/ only. Visit pages (and a follow-up's check): the network first, the
// last copy when offline.
// Scripts and styles: the copy at hand, refreshed in the background. Nothing else is kept.
// Sign-out empties the cache (static/js/page.js): the pages hold notes.
"use strict";
var PAGES = "roundtable-pages";
var ASSETS = "roundtable-assets";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

// A visit's page and the check of a follow-up drafted from one of its conversations.
function isVisitPage(url) {
  return /^\/rounding\/(visits\/\d+|conversations\/\d+\/follow-up)\/$/.test(url.pathname);
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && isVisitPage(url) && !request.headers.get("HX-Request")) {
    event.respondWith(
      fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(PAGES).then(function (cache) { cache.put(url.pathname, copy); });
        }
        return response;
      }).catch(function () {
        return caches.open(PAGES).then(function (cache) { return cache.match(url.pathname); })
          .then(function (cached) { return cached || Response.error(); });
      })
    );
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(
      caches.open(ASSETS).then(function (cache) {
        return cache.match(request).then(function (cached) {
          var fresh = fetch(request).then(function (response) {
            if (response.ok) cache.put(request, response.clone());
            return response;
          });
          return cached || fresh;
        });
      })
    );
  }
});
