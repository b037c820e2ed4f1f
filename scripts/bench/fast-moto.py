#!/usr/bin/env python3
"""moto_server for benchmarks, with one emulator-only speed-up and no change of behaviour.

moto looks up an EC2 resource's tags by scanning every tag in the region (describe_tags with a
resource-id filter), once per resource per response and per tag filter. With thousands of volumes
and snapshots that makes each DescribeSnapshots cost seconds. Here a resource's tags come from the
same dict by key, in the same shape. Usage: fast-moto.py -H 127.0.0.1 -p PORT (as moto_server).
"""
import sys

from moto.ec2.models.core import TaggedEC2Resource
from moto.ec2.utils import EC2_PREFIX_TO_RESOURCE, get_prefix
from moto.server import main


def get_tags(self):
    resource_id = getattr(self, "id", None)
    if not resource_id:
        return []
    tags = self.ec2_backend.tags.get(resource_id, {})
    resource_type = EC2_PREFIX_TO_RESOURCE.get(get_prefix(resource_id), "")
    return [
        {"resource_id": resource_id, "key": key, "value": value, "resource_type": resource_type}
        for key, value in tags.items()
    ]


TaggedEC2Resource.get_tags = get_tags

if __name__ == "__main__":
    main(sys.argv[1:])
