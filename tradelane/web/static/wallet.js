// Send an action from the page with the reader's browser wallet (EIP-1193, e.g. MetaMask).
// The server only prepared the call (contract address and call data); the wallet asks its
// owner, signs and sends. No key, and no signature, ever passes through this server.
// The buttons stay hidden when there is no wallet: the command next to each one works anyway.
(function () {
  "use strict";

  function hex(n) { return "0x" + Number(n).toString(16); }

  function send(button) {
    var out = document.getElementById(button.id + "-result");
    var provider = window.ethereum;
    function say(text) { if (out) out.textContent = text; }
    var expected = (button.getAttribute("data-from") || "").toLowerCase();
    var chain = hex(button.getAttribute("data-chain"));
    button.disabled = true;
    say("Waiting for your wallet…");
    provider.request({ method: "eth_requestAccounts" })
      .then(function (accounts) {
        var from = (accounts || []).filter(function (a) { return !expected || a.toLowerCase() === expected; })[0];
        if (!from) throw new Error("connect the account " + expected + " in your wallet: only it may do this");
        return provider.request({ method: "eth_chainId" }).then(function (id) {
          if (parseInt(id, 16) !== parseInt(chain, 16)) {
            throw new Error("your wallet is on chain " + parseInt(id, 16) + "; switch it to chain " + parseInt(chain, 16));
          }
          return provider.request({
            method: "eth_sendTransaction",
            params: [{ from: from, to: button.getAttribute("data-to"), data: button.getAttribute("data-data") }]
          });
        });
      })
      .then(function (hash) {
        button.setAttribute("data-tx", hash);
        say("Sent: transaction " + hash + ". The page updates when it is in a block.");
      })
      .catch(function (err) {
        button.disabled = false;
        say("Not sent: " + ((err && err.message) || err) + ".");
      });
  }

  function attach(root) {
    if (!window.ethereum || typeof window.ethereum.request !== "function") return;
    (root || document).querySelectorAll("button.wallet-send").forEach(function (b) {
      b.hidden = false;
      if (b.getAttribute("data-wired")) return;
      b.setAttribute("data-wired", "1");
      b.addEventListener("click", function () { send(b); });
    });
  }

  window.TradelaneWallet = { attach: attach };
  attach(document);
})();
