"""M/M/1 in SimPy: the peer that ripple's bench/mm1.yaml is measured against.

    /usr/bin/python3 bench/peers/mm1_simpy.py [ORDERS] [SEED]

Debian's python3-simpy is SimPy 2.3.1 (the classic process API). The model
is the textbook one from SimPy's own examples: a source process creates
ORDERS customers at Poisson rate 0.8; each requests a Resource of capacity 1,
holds it for an exponential time of mean 1 and releases it. Prints one JSON
object with the orders served and the mean flow time (5 in theory).
"""
import json
import random
import sys

from SimPy.Simulation import (Process, Resource, activate, hold, initialize,
                              now, release, request, simulate)


class Customer(Process):
    def visit(self, server, rng, flow):
        arrived = now()
        yield request, self, server
        yield hold, self, rng.expovariate(1.0)
        yield release, self, server
        flow[0] += now() - arrived
        flow[1] += 1


class Source(Process):
    def generate(self, orders, server, rng, flow):
        for _ in range(orders):
            yield hold, self, rng.expovariate(0.8)
            c = Customer()
            activate(c, c.visit(server, rng, flow))


def main():
    orders = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 20240401)
    flow = [0.0, 0]
    initialize()
    server = Resource(capacity=1)
    src = Source()
    activate(src, src.generate(orders, server, rng, flow))
    simulate(until=1e18)
    print(json.dumps({"orders": flow[1], "mean_flow_time": flow[0] / flow[1]}))


if __name__ == "__main__":
    main()
