"""Forms for moves between councils, with GOV.UK error messages (docs/transfers.md)."""

from __future__ import annotations

from django import forms

from rollcall.transfers.councils import council_choices
from rollcall.transfers.services import NewAddress


def _line(label: str, message: str, *, required: bool = True, max_length: int = 200) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        error_messages={
            "required": message,
            "max_length": f"{label} must be {max_length} characters or fewer",
        },
    )


class TransferForm(forms.Form):
    """The officer records where the child now lives and which council that is."""

    line_1 = _line("Address line 1", "Enter the first line of the child's new address")
    line_2 = _line("Address line 2 (optional)", "", required=False)
    town = _line("Town or city", "Enter the town or city of the new address", max_length=100)
    postcode = _line("Postcode", "Enter the postcode of the new address", max_length=10)
    council = forms.ChoiceField(
        label="Which council's area is the new address in?",
        help_text="The council for the new address. Councils that run Roll Call get the transfer at once; "
        "for the others you send a letter and the child goes to the Lost Pupils Database.",
        error_messages={"required": "Select the council the child has moved to"},
    )

    def __init__(self, *args: object, our_code: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["council"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [("", "Choose a council")] + [
                (c, n) for c, n in council_choices() if c != our_code
            ]

    def address(self) -> NewAddress:
        data = self.cleaned_data
        return NewAddress(
            line_1=data["line_1"], line_2=data["line_2"], town=data["town"], postcode=data["postcode"]
        )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why are you withdrawing the transfer?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why you are withdrawing the transfer"},
    )


class PartnerForm(forms.Form):
    """An administrator adds another council running Roll Call, with the key its administrator gave."""

    council = forms.ChoiceField(
        label="Council",
        error_messages={"required": "Select the council"},
    )
    api_url = forms.URLField(
        label="Address of its Roll Call",
        help_text="For example, https://rollcall.leicester.gov.uk",
        max_length=200,
        assume_scheme="https",
        error_messages={
            "required": "Enter the address of the council's Roll Call",
            "invalid": "Enter an address like https://rollcall.example.gov.uk",
        },
    )
    public_key = _line(
        "Its public key",
        "Enter the public key the other council's administrator gave you",
        max_length=64,
    )

    def __init__(self, *args: object, our_code: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["council"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [("", "Choose a council")] + [
                (c, n) for c, n in council_choices() if c != our_code
            ]
