// Name suggestions in the facet filter box, from /api/entities.
// Without JavaScript the box still works: the form narrows the list of names.
"use strict";

for (const input of document.querySelectorAll("input[data-entity-type]")) {
  const list = document.getElementById(input.getAttribute("list"));
  let timer = 0;
  let asked = "";
  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(async () => {
      const prefix = input.value.trim();
      if (prefix === asked) return;
      asked = prefix;
      const url = new URL(input.dataset.source, window.location.href);
      url.search = new URLSearchParams({type: input.dataset.entityType, prefix, limit: "20"});
      const response = await fetch(url);
      if (!response.ok || prefix !== asked) return;
      const {values} = await response.json();
      list.replaceChildren(...values.map(({value, count}) => {
        const option = document.createElement("option");
        option.value = value;
        option.label = `${value} (${count})`;
        return option;
      }));
    }, 150);
  });
}
