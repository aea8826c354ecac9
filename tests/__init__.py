import pytest

# Helpers assert too: let pytest show what their asserts compared, as it does in test modules.
pytest.register_assert_rewrite("tests.helpers")
