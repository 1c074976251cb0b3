// The language switcher keeps the reader's work: a script page keeps its
// filled-in fields in the URL's #fragment, and the field names are the
// same in every language, so the fragment is carried to the other
// language's page of the script.
for (const link of document.querySelectorAll(".language-switcher a[data-keep-fragment]")) {
  link.addEventListener("click", () => {
    if (location.hash.length > 1) {
      link.hash = location.hash;
    }
  });
}
