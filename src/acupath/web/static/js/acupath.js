// acupath's own script: small touches that the pages do not need in order to work.
// An error summary takes the focus when the page opens, so a screen reader reads the problems
// first and a keyboard user can follow its links to the fields (GOV.UK error summary pattern).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
});
