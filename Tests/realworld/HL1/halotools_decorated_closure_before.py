# upstream: astropy/halotools (empirical_models/factories/model_factory_template.py)
# reference: PR #918 (merged) "Remove reference cycles between MockFactory and ModelFactory"
# url: https://github.com/astropy/halotools/pull/918
# leaked: update_param_dict_decorator returned `decorated_func`, a closure using `self.param_dict`,
#   and the model stored it on itself: model -> decorated_func -> closure cell -> self (model).
# fix: the closure no longer captures self: `def decorated_func(*args, __param_dict__=self.param_dict,
#   **kwargs)` binds only the dict.
# expect: HL102


class ModelFactory:
    def __init__(self):
        self.param_dict = {"alpha": 1.5}
        self.mean_occupation = self.update_param_dict_decorator(lambda mass, params: mass * params["alpha"])

    def update_param_dict_decorator(self, func):
        def decorated_func(*args, **kwargs):
            return func(*args, params=self.param_dict, **kwargs)

        return decorated_func


def scenario():
    ModelFactory().mean_occupation(10.0)
