"""The bases of every serializer in the project: free text is capped (aims.text_limits).

``AimsSerializer`` and ``AimsModelSerializer`` stand for DRF's ``Serializer`` and
``ModelSerializer``; a writable ``CharField`` without ``max_length`` (a model ``TextField``, a
plain ``CharField``) gets ``AIMS_TEXT_MAX_LENGTH`` and answers 400 with DRF's field error
"Ensure this field has no more than N characters." when longer.
"""

from rest_framework import serializers

from aims.text_limits import TextLimitSerializerMixin


class AimsSerializer(TextLimitSerializerMixin, serializers.Serializer):
    pass


class AimsModelSerializer(TextLimitSerializerMixin, serializers.ModelSerializer):
    pass
