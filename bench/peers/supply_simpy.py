"""Base stock behind an on/off supplier in SimPy: the peer of bench/supply.yaml.

    /usr/bin/python3 bench/peers/supply_simpy.py [REPLICATIONS] [SEED]

The same model as bench/supply.yaml, in SimPy 2.3.1's process API
(Debian's python3-simpy): Poisson demand at 1/day for one unit, served from
the store's stock or backordered; the store orders each unit it ships
(base stock 8, continuous review) from a supplier 3 days away that is up
for exponential times of mean 60 days and down for exponential times of
mean 6, shipping what was ordered while it was down when it is back up.
The fill rate is the share of demanded units served from stock on arrival
over the 3,650-day horizon, averaged over replications as ripple averages
it. Prints one JSON object: replications, fill rate mean and standard error.
"""
import json
import math
import random
import sys

from SimPy.Simulation import Process, activate, hold, initialize, now, simulate

HORIZON = 3650.0
LEVEL = 8
LEAD_TIME = 3.0
DEMAND_MEAN = 1.0
UP_MEAN = 60.0
DOWN_MEAN = 6.0


class State:
    def __init__(self):
        self.on_hand = LEVEL
        self.backorders = 0
        self.demanded = 0
        self.filled = 0
        self.up = True
        self.waiting = 0          # units ordered while the supplier is down


class Shipment(Process):
    def travel(self, st, qty):
        yield hold, self, LEAD_TIME
        st.on_hand += qty
        served = min(st.backorders, st.on_hand)
        st.backorders -= served
        st.on_hand -= served


def ship(st, qty):
    s = Shipment()
    activate(s, s.travel(st, qty))


class Customers(Process):
    def demand(self, st, rng):
        while True:
            yield hold, self, rng.expovariate(1.0 / DEMAND_MEAN)
            st.demanded += 1
            if st.on_hand > 0:
                st.on_hand -= 1
                st.filled += 1
            else:
                st.backorders += 1
            if st.up:                 # base stock: order the unit just demanded
                ship(st, 1)
            else:
                st.waiting += 1


class Outages(Process):
    def cycle(self, st, rng):
        while True:
            yield hold, self, rng.expovariate(1.0 / UP_MEAN)
            st.up = False
            yield hold, self, rng.expovariate(1.0 / DOWN_MEAN)
            st.up = True
            if st.waiting:
                ship(st, st.waiting)
                st.waiting = 0


def replicate(rng):
    st = State()
    initialize()
    c, o = Customers(), Outages()
    activate(c, c.demand(st, rng))
    activate(o, o.cycle(st, rng))
    simulate(until=HORIZON)
    return st.filled / st.demanded


def main():
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 20261202)
    fill = [replicate(rng) for _ in range(reps)]
    mean = sum(fill) / reps
    sd = math.sqrt(sum((f - mean) ** 2 for f in fill) / (reps - 1)) if reps > 1 else 0.0
    print(json.dumps({"replications": reps, "fill_rate": mean,
                      "se": sd / math.sqrt(reps)}))


if __name__ == "__main__":
    main()
