from django.apps import AppConfig


class PricingConfig(AppConfig):
    name = "pricing"

    def ready(self) -> None:
        # Load (parse, check, compile) the rules once at startup: a rule error stops the
        # process here, with every diagnostic, instead of at the first customer's cart.
        from . import rules

        rules.live()
