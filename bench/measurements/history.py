"""The data every later measurement reads (bench/history.py): the open period near its
deadline, nine closed half-years with stored scores, past notifications and a busy unit.
Made even when ``--only`` names other measurements."""

from bench.registry import measurement


@measurement(order=30, makes_data=True)
def history(context) -> dict:
    from bench.history import make

    # Printed as each part is made: at ten times province scale this takes minutes.
    context.cast = make(period=context.period, seed=context.seed, admin_id=context.data.admin_id, out=context.out)
    return {}
