"""One module per `promokit` subcommand: HELP, add_arguments(parser), run(args) -> int."""
