"""Who signs on a chain: the named dev accounts, and how a `Chain` resolves a signer.

On dev chains the well-known anvil accounts are available by name (``buyer``, ``seller``,
``carrier1`` …); the embedded chain is funded with the same keys so names mean the same
everywhere. `Signers` is the part of `tradelane.chain.Chain` that turns a dev name, an address
or a LocalAccount into the account that signs, and a name or 0x address into an address.
"""

from __future__ import annotations

from functools import cache

from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3

from .errors import InputError

__all__ = ["DEV_CHAIN_IDS", "DEV_MNEMONIC", "DEV_NAMES", "Signers", "dev_accounts"]

DEV_MNEMONIC = "test test test test test test test test test test test junk"  # anvil's, public
DEV_NAMES = (
    "deployer",
    "buyer",
    "seller",
    "carrier1",
    "carrier2",
    "carrier3",
    "arbiter",
    "operator",
    "relayer",
    "outsider",
)
# anvil/hardhat 31337, geth --dev / ganache 1337, eth-tester's default.
DEV_CHAIN_IDS = frozenset({31337, 1337, 131277322940537})


@cache
def dev_accounts() -> dict[str, LocalAccount]:
    """The ten anvil dev accounts, by role name (keys derived from anvil's public mnemonic)."""
    Account.enable_unaudited_hdwallet_features()
    return {
        name: Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{i}")
        for i, name in enumerate(DEV_NAMES)
    }


class Signers:
    """Signer and address resolution; mixed into `tradelane.chain.Chain`."""

    chain_id: int
    signers: dict[str, LocalAccount]

    @property
    def is_dev(self) -> bool:
        return self.chain_id in DEV_CHAIN_IDS

    def account(self, who: str | LocalAccount) -> LocalAccount:
        """A signer by dev name (dev chains only), by address of a known signer, or as given."""
        if isinstance(who, LocalAccount):
            return who
        if who in self.signers:
            return self.signers[who]
        for acct in self.signers.values():
            if acct.address.lower() == str(who).lower():
                return acct
        if self.is_dev:  # a dev account given by its address
            for acct in dev_accounts().values():
                if acct.address.lower() == str(who).lower():
                    return acct
        if who in DEV_NAMES:
            if not self.is_dev:
                raise InputError(
                    f"dev account '{who}' refused on chain {self.chain_id}, which is not a dev "
                    "chain; use --account with a keystore file"
                )
            self.signers[who] = dev_accounts()[who]
            return self.signers[who]
        raise InputError(
            f"unknown account '{who}'; use a dev name ({', '.join(DEV_NAMES)}) or a keystore file"
        )

    def address(self, who: str, *, what: str = "address") -> str:
        """An address from a dev name, a known signer, or a 0x address; `what` names the
        option in the error when `who` is none of these."""
        if Web3.is_address(who):
            return Web3.to_checksum_address(who)
        try:
            return self.account(who).address
        except InputError as err:
            if who in DEV_NAMES:
                raise
            names = ", ".join(DEV_NAMES) if self.is_dev else "no dev names on this chain"
            raise InputError(
                f"{what} '{who}' is not an address (0x and 40 hex digits) or a known account "
                f"({names}); give one of those"
            ) from err
