"""Volume forecasting: a known seasonal series, the backtest, and refused inputs."""

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
import statsmodels.api as sm

from scheduling.engine import forecasting, synthetic
from scheduling.engine.errors import EngineInputError

MONDAY = datetime(2024, 1, 1, tzinfo=UTC)


def _known_series(*, weeks, interval_minutes=30, growth=0.02, holidays=(), holiday_factor=0.4):
    """Noise-free volume: weekday factor x intraday shape x weekly growth, holidays scaled."""
    per_day = 24 * 60 // interval_minutes
    volume = []
    for day in range(weeks * 7):
        current = MONDAY.date() + timedelta(days=day)
        level = 1000.0 * synthetic.WEEKDAY_FACTORS[current.weekday()]
        level *= (1.0 + growth) ** (day / 7)
        if current in holidays:
            level *= holiday_factor
        shape = synthetic.intraday_shape(
            interval_minutes=interval_minutes, weekend=current.weekday() >= 5
        )
        volume.append(level * shape / shape.sum())
    return np.concatenate(volume), per_day


def test_forecast_reproduces_a_known_seasonal_series_with_trend_and_holidays():
    # given ten weeks of a clean series growing 2 % a week, two holidays in the history and
    # one on the Wednesday of the forecast week
    holidays = {date(2024, 1, 17), date(2024, 2, 13), date(2024, 3, 13)}
    series, per_day = _known_series(weeks=11, holidays=holidays)
    history = forecasting.IntervalHistory(
        start=MONDAY, interval_minutes=30, volume=series[: 70 * per_day]
    )

    # when
    forecast = forecasting.forecast_intervals(history=history, horizon_weeks=1, holidays=holidays)

    # then every interval of the following week is right, the holiday included
    truth = series[70 * per_day :]
    assert forecast.start == MONDAY + timedelta(weeks=10)
    assert forecast.volume.shape == truth.shape
    assert forecasting.wape(actual=truth, forecast=forecast.volume) < 0.005
    wednesday = slice(2 * per_day, 3 * per_day)
    assert forecast.volume[wednesday].sum() == pytest.approx(truth[wednesday].sum(), rel=0.01)


def test_forecast_follows_the_trend_across_a_longer_horizon():
    # given eight weeks of a clean series growing 2 % a week
    series, per_day = _known_series(weeks=8)
    history = forecasting.IntervalHistory(start=MONDAY, interval_minutes=30, volume=series)

    # when
    forecast = forecasting.forecast_intervals(history=history, horizon_weeks=3)

    # then each forecast week is 2 % above the one before
    weekly = forecast.volume.reshape(3, -1).sum(axis=1)
    assert weekly[1] / weekly[0] == pytest.approx(1.02, abs=1e-3)
    assert weekly[2] / weekly[1] == pytest.approx(1.02, abs=1e-3)
    assert weekly[0] / series[-7 * per_day :].sum() == pytest.approx(1.02, abs=1e-3)


def test_forecast_of_15_minute_intervals_and_a_closed_weekday():
    # given eight weeks of 15-minute intervals where Sundays are closed
    series, per_day = _known_series(weeks=8, interval_minutes=15, growth=0.0)
    days = series.reshape(-1, per_day).copy()
    days[6::7] = 0.0
    history = forecasting.IntervalHistory(start=MONDAY, interval_minutes=15, volume=days.ravel())

    # when
    forecast = forecasting.forecast_intervals(history=history)

    # then
    by_day = forecast.volume.reshape(7, per_day)
    assert per_day == 96
    assert by_day[6].sum() == 0.0
    assert by_day[0].sum() == pytest.approx(days[0].sum(), rel=1e-3)


def test_handle_time_forecast_keeps_the_interval_profile():
    # given a handle time that is 400 s at night and 300 s by day, with no contacts at 03:00
    series, per_day = _known_series(weeks=8, growth=0.0)
    hours = np.tile(np.arange(per_day) / 2, 56)
    aht = np.where((hours < 7) | (hours >= 22), 400.0, 300.0)
    volume = np.where(hours == 3.0, 0.0, series)
    history = forecasting.IntervalHistory(
        start=MONDAY, interval_minutes=30, volume=volume, aht_seconds=aht
    )

    # when
    forecast = forecasting.forecast_intervals(history=history)

    # then intervals with contacts keep their handle time; the empty one borrows the mean
    assert forecast.aht_seconds is not None
    monday = forecast.aht_seconds[:per_day]
    handled = hours[:per_day] != 3.0
    assert monday[handled] == pytest.approx(aht[:per_day][handled])
    assert 300.0 < monday[6] < 400.0


def test_backtest_beats_seasonal_naive_on_the_benchmark_history():
    # given sixteen weeks with growth, holidays and noise
    generated = synthetic.generate_history(weeks=16, seed=3)

    # when
    result = forecasting.backtest(
        history=generated.history, holidays=generated.holidays, horizon_weeks=1, folds=4
    )

    # then
    assert len(result.folds) == 4
    assert [fold.origin for fold in result.folds] == [
        date(2024, 3, 25),
        date(2024, 4, 1),
        date(2024, 4, 8),
        date(2024, 4, 15),
    ]
    assert result.ratio <= 0.85
    assert abs(result.bias) < 0.03
    assert result.aht_wape is not None and result.naive_aht_wape is not None
    assert result.aht_wape < result.naive_aht_wape


def test_seasonal_naive_repeats_the_last_week():
    # given eight weeks numbered interval by interval
    history = forecasting.IntervalHistory(
        start=MONDAY, interval_minutes=60, volume=np.arange(8 * 7 * 24, dtype=float)
    )

    # when
    naive = forecasting.seasonal_naive(history=history, horizon_weeks=2)

    # then
    last_week = np.arange(7 * 7 * 24, 8 * 7 * 24, dtype=float)
    assert naive.volume.tolist() == np.tile(last_week, 2).tolist()


def test_wape_and_bias():
    # given
    actual = [10.0, 20.0, 10.0]
    forecast = [12.0, 16.0, 10.0]

    # when / then
    assert forecasting.wape(actual=actual, forecast=forecast) == pytest.approx(6 / 40)
    assert forecasting.bias(actual=actual, forecast=forecast) == pytest.approx(-2 / 40)


def test_generated_history_is_deterministic_from_its_seed():
    # given / when
    first = synthetic.generate_history(weeks=9, seed=11, interval_minutes=15)
    again = synthetic.generate_history(weeks=9, seed=11, interval_minutes=15)
    other = synthetic.generate_history(weeks=9, seed=12, interval_minutes=15)

    # then
    assert np.array_equal(first.history.volume, again.history.volume)
    assert first.holidays == again.holidays
    assert not np.array_equal(first.history.volume, other.history.volume)
    assert first.history.volume.size == 9 * 7 * 96


# ---------------------------------------------------------------------------- refused inputs


def test_fewer_than_eight_weeks_is_refused():
    # given seven weeks and six days
    series, per_day = _known_series(weeks=8)
    history = forecasting.IntervalHistory(
        start=MONDAY, interval_minutes=30, volume=series[:-per_day]
    )

    # when
    with pytest.raises(EngineInputError) as raised:
        forecasting.forecast_intervals(history=history)

    # then
    assert raised.value.field == "volume"
    assert "8 weeks" in str(raised.value)


def test_backtest_needs_eight_weeks_before_its_first_origin():
    # given ten weeks, asking for four folds of one week (needs 8 + 4 = 12)
    generated = synthetic.generate_history(weeks=10, seed=1)

    # when
    with pytest.raises(EngineInputError) as raised:
        forecasting.backtest(history=generated.history, folds=4)

    # then
    assert raised.value.field == "volume"


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"start": MONDAY + timedelta(hours=1)}, "start"),
        ({"interval_minutes": 7}, "interval_minutes"),
        ({"volume": [1.0] * 47}, "volume"),
        ({"volume": [1.0] * 47 + [-1.0]}, "volume"),
        ({"volume": [1.0] * 47 + [float("nan")]}, "volume"),
        ({"aht_seconds": [300.0] * 10}, "aht_seconds"),
    ],
)
def test_invalid_history_names_the_field(arguments, field):
    # given a one-day history spoiled by one argument
    valid = {"start": MONDAY, "interval_minutes": 30, "volume": [1.0] * 48}

    # when
    with pytest.raises(EngineInputError) as raised:
        forecasting.IntervalHistory(**(valid | arguments))

    # then
    assert raised.value.field == field


def _flat(*, weeks=0, days=0, interval_minutes=60, aht=False):
    size = (weeks * 7 + days) * 24 * 60 // interval_minutes
    return forecasting.IntervalHistory(
        start=MONDAY,
        interval_minutes=interval_minutes,
        volume=np.ones(size),
        aht_seconds=np.full(size, 300.0) if aht else None,
    )


def _history(**arguments):
    valid = {"start": MONDAY, "interval_minutes": 30, "volume": [1.0] * 48}
    return lambda: forecasting.IntervalHistory(**(valid | arguments))


DIVISOR = "must be a whole divisor of a day, e.g. 15 or 30"
AT_LEAST_1 = "must be a whole number of at least 1"


@pytest.mark.parametrize(
    ("call", "field", "message"),
    [
        (_history(start=MONDAY.date()), "start", "must be a datetime"),
        (
            _history(start=MONDAY + timedelta(seconds=1)),
            "start",
            "must be a local midnight (whole days only)",
        ),
        (_history(interval_minutes=True), "interval_minutes", DIVISOR),
        (_history(interval_minutes=30.0), "interval_minutes", DIVISOR),
        (_history(interval_minutes=4), "interval_minutes", DIVISOR),
        (_history(interval_minutes=7), "interval_minutes", DIVISOR),
        (_history(volume=[1.0] * 47), "volume", "must cover whole days (48 intervals a day)"),
        (_history(volume=["a"] * 48), "volume", "must be a sequence of numbers"),
        (
            _history(volume=[1.0] * 47 + [float("inf")]),
            "volume",
            "must contain only finite numbers (no gaps)",
        ),
        (_history(volume=[1.0] * 47 + [-0.5]), "volume", "must not contain negative values"),
        (_history(aht_seconds=[300.0] * 47), "aht_seconds", "must have one value per interval"),
        (
            _history(aht_seconds=[300.0] * 47 + [-1.0]),
            "aht_seconds",
            "must not contain negative values",
        ),
        (
            lambda: forecasting.seasonal_naive(history=_flat(days=6)),
            "volume",
            "needs at least one week of history",
        ),
        (
            lambda: forecasting.seasonal_naive(history=_flat(weeks=1), horizon_weeks=0),
            "horizon_weeks",
            AT_LEAST_1,
        ),
        (
            lambda: forecasting.seasonal_naive(history=_flat(weeks=1), horizon_weeks=True),
            "horizon_weeks",
            AT_LEAST_1,
        ),
        (
            lambda: forecasting.seasonal_naive(history=_flat(weeks=1), horizon_weeks=1.0),
            "horizon_weeks",
            AT_LEAST_1,
        ),
        (
            lambda: forecasting.forecast_intervals(history=_flat(weeks=7, days=6)),
            "volume",
            "needs at least 8 weeks of history, got 7.9",
        ),
        (
            lambda: forecasting.wape(actual=[0.0, 0.0], forecast=[1.0, 1.0]),
            "actual",
            "must have a positive total",
        ),
        (
            lambda: forecasting.bias(actual=[0.0], forecast=[1.0]),
            "actual",
            "must have a positive total",
        ),
        (
            lambda: forecasting.bias(actual=[1.0, 2.0], forecast=[1.0]),
            "forecast",
            "must have one value per actual value",
        ),
        (
            lambda: forecasting.wape(actual=[1.0], forecast=[[1.0, 2.0]]),
            "forecast",
            "must have one value per actual value",
        ),
        (
            lambda: forecasting.backtest(history=_flat(weeks=9), folds=0),
            "folds",
            AT_LEAST_1,
        ),
        (
            lambda: forecasting.backtest(history=_flat(weeks=9), folds=True),
            "folds",
            AT_LEAST_1,
        ),
        (
            lambda: forecasting.backtest(history=_flat(weeks=9), folds=1.0),
            "folds",
            AT_LEAST_1,
        ),
        (
            lambda: forecasting.backtest(history=_flat(weeks=9), horizon_weeks=0),
            "horizon_weeks",
            AT_LEAST_1,
        ),
        (
            lambda: forecasting.backtest(history=_flat(weeks=10), folds=4),
            "volume",
            "needs at least 12 weeks of history for 4 folds of 1 week, got 10.0",
        ),
        (
            lambda: forecasting.backtest(history=_flat(weeks=9, days=3), horizon_weeks=2, folds=1),
            "volume",
            "needs at least 10 weeks of history for 1 fold of 2 weeks, got 9.4",
        ),
    ],
)
def test_each_refusal_names_its_field_in_words(call, field, message):
    # when
    with pytest.raises(EngineInputError) as raised:
        call()
    # then the field and the whole message
    assert (raised.value.field, raised.value.message) == (field, message)
    assert str(raised.value) == f"{field}: {message}"


def test_the_shortest_interval_and_the_oldest_history_accepted():
    # given five-minute intervals (288 a day)
    assert _flat(days=1, interval_minutes=5).intervals_per_day == 288
    # given exactly eight weeks before the only origin: one fold of one week is accepted
    result = forecasting.backtest(history=_flat(weeks=9), folds=1)
    assert [fold.origin for fold in result.folds] == [date(2024, 2, 26)]


def test_seasonal_naive_defaults_to_a_week_and_repeats_handle_times():
    # given two weeks, interval by interval, with handle times
    history = forecasting.IntervalHistory(
        start=MONDAY,
        interval_minutes=720,
        volume=np.arange(28, dtype=float),
        aht_seconds=np.arange(28, dtype=float) + 100,
    )
    # when
    naive = forecasting.seasonal_naive(history=history)
    # then the last week once, its handle times, its days' totals, from the next Monday
    assert naive.start == MONDAY + timedelta(weeks=2)
    assert naive.interval_minutes == 720
    assert naive.volume.tolist() == list(range(14, 28))
    assert naive.aht_seconds.tolist() == list(range(114, 128))
    assert naive.daily_volume.tolist() == [14 + 15 + 2 * 2 * d for d in range(7)]
    assert forecasting.seasonal_naive(history=_flat(weeks=1)).aht_seconds is None


def test_backtest_defaults_pools_folds_and_scores_handle_time():
    # given twelve weeks with handle times: four folds of one week by default
    generated = synthetic.generate_history(weeks=12, seed=3)
    history = generated.history
    # when
    result = forecasting.backtest(history=history, holidays=generated.holidays)
    # then four weekly origins ending with the history
    per_week = 7 * history.intervals_per_day
    assert [fold.origin for fold in result.folds] == [
        (MONDAY + timedelta(weeks=week)).date() for week in range(8, 12)
    ]
    # and the pooled figures are the folds' forecasts against the last four weeks
    actual = history.volume[-4 * per_week :]
    model, naive, aht_model, aht_naive = [], [], [], []
    for week in range(8, 12):
        training = history.first_days(week * 7)
        forecast = forecasting.forecast_intervals(history=training, holidays=generated.holidays)
        baseline = forecasting.seasonal_naive(history=training)
        model.append(forecast.volume)
        naive.append(baseline.volume)
        aht_model.append(forecast.aht_seconds)
        aht_naive.append(baseline.aht_seconds)
    model, naive = np.concatenate(model), np.concatenate(naive)
    assert result.wape == forecasting.wape(actual=actual, forecast=model)
    assert result.bias == forecasting.bias(actual=actual, forecast=model)
    assert result.naive_wape == forecasting.wape(actual=actual, forecast=naive)
    assert result.naive_bias == forecasting.bias(actual=actual, forecast=naive)
    truth = history.aht_seconds[-4 * per_week :]
    for estimate, figure in ((aht_model, result.aht_wape), (aht_naive, result.naive_aht_wape)):
        error = np.abs(np.concatenate(estimate) - truth)
        assert figure == pytest.approx((actual * error).sum() / (actual * truth).sum(), rel=1e-12)
    # a history without handle times has no handle-time figures
    plain = forecasting.IntervalHistory(
        start=history.start, interval_minutes=30, volume=history.volume
    )
    for fold, week in zip(result.folds, range(4), strict=True):
        part = slice(week * per_week, (week + 1) * per_week)
        assert (fold.wape, fold.bias, fold.naive_wape, fold.naive_bias) == (
            forecasting.wape(actual=actual[part], forecast=model[part]),
            forecasting.bias(actual=actual[part], forecast=model[part]),
            forecasting.wape(actual=actual[part], forecast=naive[part]),
            forecasting.bias(actual=actual[part], forecast=naive[part]),
        )
    bare = forecasting.backtest(history=plain, folds=1)
    assert (bare.aht_wape, bare.naive_aht_wape) == (None, None)


def test_backtest_of_two_week_horizons():
    # given ten weeks: one fold of two weeks after exactly eight
    generated = synthetic.generate_history(weeks=10, seed=2)
    # when
    result = forecasting.backtest(history=generated.history, horizon_weeks=2, folds=1)
    # then the fold forecasts both weeks
    forecast = forecasting.forecast_intervals(
        history=generated.history.first_days(56), horizon_weeks=2
    )
    actual = generated.history.volume[56 * 48 :]
    assert result.wape == forecasting.wape(actual=actual, forecast=forecast.volume)


def test_metrics_of_totals_below_one():
    # given half a contact in all: still a positive total
    assert forecasting.wape(actual=[0.5], forecast=[1.0]) == 1.0
    assert forecasting.bias(actual=[0.25, 0.25], forecast=[0.0, 0.0]) == -1.0
    weights = np.array([1.0, 0.0])
    truth, estimate = np.array([0.5, 9.0]), np.array([1.0, 1.0])
    assert forecasting._weighted_ape(truth, estimate, weights) == 1.0
    # nothing handled: no figure
    assert forecasting._weighted_ape(truth, estimate, np.zeros(2)) is None


def test_the_recency_weights_halve_every_thirteen_weeks():
    weights = forecasting._recency_weights(15)
    assert weights[-1] == 1.0
    assert weights[-8] == pytest.approx(0.5 ** (1 / 13), rel=1e-12)
    assert weights[0] == pytest.approx(0.5 ** (2 / 13), rel=1e-12)
    assert forecasting._recency_weights(92)[0] == pytest.approx(0.5 ** (91 / 7 / 13), rel=1e-12)


WEEKDAYS = np.arange(14) % 7


def test_intraday_profiles_pool_ordinary_days_weighted_by_recency():
    # given two weeks of two intervals a day: Mondays 1:3 then 3:1, Tuesday's only ordinary
    # day 1:1 (the other a holiday, 9:1), Wednesday only on holidays (2:2 and 0:4), Thursday
    # silent, the rest 1:1 except Sunday's half contact
    volume = np.ones((14, 2))
    volume[0], volume[7] = [1, 3], [3, 1]
    volume[8] = [9, 1]
    volume[2], volume[9] = [2, 2], [0, 4]
    volume[3] = volume[10] = 0
    volume[6], volume[13] = [0.25, 0], [0, 0]
    holiday = np.zeros(14, dtype=bool)
    holiday[[2, 8, 9]] = True
    weights = forecasting._recency_weights(14)
    # when
    profiles = forecasting._intraday_profiles(
        volume_by_day=volume, day_of_week=WEEKDAYS, is_holiday=holiday
    )
    # then Monday pools both weeks, the recent one weighing more
    monday = weights[0] * volume[0] + weights[7] * volume[7]
    assert profiles[0] == pytest.approx(monday / monday.sum(), rel=1e-12)
    assert profiles[1].tolist() == [0.5, 0.5]  # the holiday left out
    wednesday = weights[2] * volume[2] + weights[9] * volume[9]  # only holidays: both taken
    assert profiles[2] == pytest.approx(wednesday / wednesday.sum(), rel=1e-12)
    # Thursday borrows the share of all ordinary days; Sunday's quarter contact is its own
    ordinary = (volume * weights[:, None])[~holiday].sum(axis=0)
    assert profiles[3] == pytest.approx(ordinary / ordinary.sum(), rel=1e-12)
    assert profiles[6].tolist() == [1.0, 0.0]
    # with no contacts at all, every interval gets an equal share
    silent = forecasting._intraday_profiles(
        volume_by_day=np.zeros((14, 4)), day_of_week=WEEKDAYS, is_holiday=holiday
    )
    assert silent.tolist() == [[0.25] * 4] * 7
    # and below one contact in all, the shares are still the volumes'
    few = forecasting._intraday_profiles(
        volume_by_day=np.eye(14, 2) * 0.1, day_of_week=WEEKDAYS, is_holiday=holiday * False
    )
    assert few[3] == pytest.approx(weights[:2] / weights[:2].sum(), rel=1e-12)


def test_handle_time_profiles_borrow_the_interval_then_the_overall_mean():
    # given two weeks of two intervals: Mondays with contacts, handled in 100 s then 300 s;
    # the second interval handled only on Tuesdays (500 s); the rest of the week silent
    volume = np.zeros((14, 2))
    aht = np.zeros((14, 2))
    volume[[0, 7], 0] = [1, 1]
    aht[[0, 7], 0] = [100, 300]
    volume[[1, 8], 1] = [0.5, 0.25]
    aht[[1, 8], 1] = 500
    holiday = np.zeros(14, dtype=bool)
    weights = forecasting._recency_weights(14)
    # when
    profiles = forecasting._handle_time_profiles(
        volume_by_day=volume, aht_by_day=aht, day_of_week=WEEKDAYS, is_holiday=holiday
    )
    # then Monday's first interval is the weighted mean of its two weeks
    monday = (weights[0] * 100 + weights[7] * 300) / (weights[0] + weights[7])
    assert profiles[0, 0] == pytest.approx(monday, rel=1e-12)
    # a cell without contacts takes its interval's mean over all days
    assert profiles[0, 1] == pytest.approx(500, rel=1e-12)
    assert profiles[1, 0] == pytest.approx(monday, rel=1e-12)
    assert profiles[1, 1] == pytest.approx(500, rel=1e-12)
    # a holiday is left out, and an interval no ordinary day handled takes the overall mean
    holiday[[1, 8]] = True
    without = forecasting._handle_time_profiles(
        volume_by_day=volume, aht_by_day=aht, day_of_week=WEEKDAYS, is_holiday=holiday
    )
    assert without[1].tolist() == pytest.approx([monday, monday], rel=1e-12)
    # a cell with less than one contact keeps its own mean (Wednesday, 700 s)
    volume[2, 0], aht[2, 0] = 0.5, 700
    with_wednesday = forecasting._handle_time_profiles(
        volume_by_day=volume, aht_by_day=aht, day_of_week=WEEKDAYS, is_holiday=holiday
    )
    assert with_wednesday[2, 0] == 700
    # less than one contact in all still gives the overall mean to an interval without any
    few = np.zeros((14, 2))
    few[[1, 8], 1] = [0.5, 0.25]
    only_tuesdays = forecasting._handle_time_profiles(
        volume_by_day=few, aht_by_day=aht, day_of_week=WEEKDAYS, is_holiday=holiday * False
    )
    assert only_tuesdays[0].tolist() == pytest.approx([500.0, 500.0], rel=1e-12)
    # no contacts at all: zero
    silent = forecasting._handle_time_profiles(
        volume_by_day=np.zeros((14, 2)), aht_by_day=aht, day_of_week=WEEKDAYS, is_holiday=holiday
    )
    assert silent.tolist() == [[0.0, 0.0]] * 7


def test_a_forecast_has_its_starts_totals_and_weekday_handle_times():
    # given eight weeks of 6-hour intervals, Mondays handled in 200 s, other days in 400 s
    volume = np.tile([10.0, 20.0, 30.0, 40.0], 56)
    aht = np.repeat(np.where(np.arange(56) % 7 == 0, 200.0, 400.0), 4)
    history = forecasting.IntervalHistory(
        start=MONDAY, interval_minutes=360, volume=volume, aht_seconds=aht
    )
    # when
    forecast = forecasting.forecast_intervals(history=history)
    # then
    assert forecast.interval_minutes == 360
    assert forecast.daily_volume == pytest.approx([100.0] * 7, rel=1e-6)
    assert forecast.volume.reshape(7, 4).sum(axis=1) == pytest.approx(forecast.daily_volume)
    assert forecast.aht_seconds.tolist() == pytest.approx([200.0] * 4 + [400.0] * 24)
    starts = forecast.interval_starts()
    assert len(starts) == 28
    assert starts[:2] == [MONDAY + timedelta(weeks=8), MONDAY + timedelta(weeks=8, hours=6)]
    plain = forecasting.IntervalHistory(start=MONDAY, interval_minutes=360, volume=volume)
    assert forecasting.forecast_intervals(history=plain).aht_seconds is None


def test_a_weekday_with_less_than_one_contact_a_week_is_still_open():
    # given eight weeks where Sundays see 0.8 contacts in all
    volume = np.tile([100.0, 100.0, 100.0, 100.0, 100.0, 50.0, 0.1], 8)
    history = forecasting.IntervalHistory(start=MONDAY, interval_minutes=1440, volume=volume)
    # when
    forecast = forecasting.forecast_intervals(history=history)
    # then Sunday is forecast, not closed
    assert forecast.daily_volume[6] == pytest.approx(0.1, rel=1e-6)


def test_the_daily_model_weighs_recent_weeks_more():
    # given eight weeks of daily totals, flat for four weeks, then a jump to a new level
    totals = np.repeat([100.0, 100.0, 100.0, 100.0, 180.0, 170.0, 190.0, 185.0], 7)
    history = forecasting.IntervalHistory(start=MONDAY, interval_minutes=1440, volume=totals)
    # when
    forecast = forecasting.forecast_intervals(history=history)
    # then it is the Poisson GLM of trend and weekday with weights halving every 13 weeks
    days = np.arange(63)
    weeks = days / 7 - 55 / 7
    design = np.column_stack([np.ones(63), weeks] + [(days % 7 == d) * 1.0 for d in range(1, 7)])
    age = (55 - days[:56]) / 7
    fits = [
        sm.GLM(totals, design[:56], family=sm.families.Poisson(), var_weights=w).fit()
        for w in (0.5 ** (age / 13), None)
    ]
    weighted, unweighted = (fit.predict(design[56:]) for fit in fits)
    assert forecast.daily_volume == pytest.approx(weighted, rel=1e-6)
    assert np.abs(weighted - unweighted).max() > 0.1
